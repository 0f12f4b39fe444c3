"""Talking to the external Volunteer Dispatch service (API v1)."""
