"""Faults of the real world: a dispatch service that misbehaves, clocks that step, storms."""
