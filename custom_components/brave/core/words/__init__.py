"""Words for people, in the site's language (en, fr, es; English when another is asked).

Plain, calm and non-judgmental: a safety check for a person, never a verdict about them.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "fr", "es")


def spoken_language(code: str) -> str:
    """The language Brave uses for a Home Assistant language code.

    "fr-CA" and "es-419" read French and Spanish; a language Brave does not offer reads English.
    """
    base = code.split("-", maxsplit=1)[0].lower()
    return base if base in LANGUAGES else "en"


def pick[T](tables: Mapping[str, T], language: str) -> T:
    """The table of a language, or English when it is not offered."""
    return tables.get(language, tables["en"])
