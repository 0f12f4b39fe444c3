"""The demo in a real browser."""
