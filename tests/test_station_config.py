"""Reading a station's settings: contacts as people type them."""

from __future__ import annotations

import pytest

from custom_components.brave.core.engine.config import Contact, ContactRole
from custom_components.brave.core.stations import InvalidContactsError, parse_contacts


def test_contacts_one_per_line() -> None:
    text = "Alex, +15555550123, naloxone_nearby\n\n  Sam , +15555550124  \n"
    assert parse_contacts(text) == (
        Contact("Alex", "+15555550123", ContactRole.NALOXONE_NEARBY),
        Contact("Sam", "+15555550124", ContactRole.OTHER),
    )


@pytest.mark.parametrize(
    "line", ["Alex", "Alex, ", ", +15555550123", "Alex, +1555, cousin", "a, b, c, d"]
)
def test_unreadable_contact_lines(line: str) -> None:
    with pytest.raises(InvalidContactsError):
        parse_contacts(line)
