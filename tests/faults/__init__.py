"""Faults and bad input: each gets a clear error and loses nothing."""
