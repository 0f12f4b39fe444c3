"""Engine tests run without Home Assistant: pure inputs, pure outputs."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the suite-wide fixture: the engine needs no Home Assistant instance."""
