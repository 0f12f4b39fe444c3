"""Words for people, in the site's language (en, fr, es; English when another is asked).

Plain, calm and non-judgmental: a safety check for a person, never a verdict about them.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "fr", "es")


def pick[T](tables: Mapping[str, T], language: str) -> T:
    """The table of a language, or English when it is not offered."""
    return tables.get(language, tables["en"])
