"""Tests for the reference dispatch server."""
