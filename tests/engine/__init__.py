"""Tests for the sans-IO safety engine: behaviour, persistence, purity and properties."""
