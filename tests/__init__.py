"""Tests for the Brave integration."""
