"""Tests of the device knowledge: radar profiles."""
