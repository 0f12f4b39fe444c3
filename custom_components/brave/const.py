"""Constants for the Brave integration."""

from typing import Final

DOMAIN: Final = "brave"
