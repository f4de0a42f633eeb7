"""Tests of dashboard/services."""
