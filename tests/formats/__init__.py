"""Tests of dashboard/formats."""
