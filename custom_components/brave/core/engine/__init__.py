"""The safety engine: pure Python, no Home Assistant, no clock, no I/O.

Inputs are events with their times (engine.events), outputs are effects (engine.effects) and
the next deadline as an absolute time. Model: the h11 library's sans-IO state machines.
"""
