"""Tests of dashboard/store."""
