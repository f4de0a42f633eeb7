"""Tests of dashboard/views."""
