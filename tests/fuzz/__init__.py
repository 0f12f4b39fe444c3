"""Property-based fuzzing of every parser that reads input from outside Home Assistant."""
