"""Tests of dashboard/web."""
