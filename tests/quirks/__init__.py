"""Tests for the zigpy quirks users copy into ZHA's custom quirks folder."""
