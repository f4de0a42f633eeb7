"""Tests of dashboard/domain."""
