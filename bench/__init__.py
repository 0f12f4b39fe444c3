"""Brave's benchmark: real Home Assistant, the reference dispatch server over loopback HTTP.

Run it with `scripts/bench` (see docs/performance.md).
"""
