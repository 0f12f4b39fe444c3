"""Tests for the Brave integration's dispatch client."""
