"""The settings every fuzz test runs under, and the outside input they draw from."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from hypothesis import settings, strategies as st

# Derandomized (each test's examples follow from its name), so every CI run tries the same
# inputs; no example database, so no run depends on an earlier one.
settings.register_profile("fuzz", derandomize=True, max_examples=300, deadline=None, database=None)
FUZZ = settings.get_profile("fuzz")

# Text of every kind: control and format characters, other scripts' digits, surrogate-free.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
ascii_digits = st.text("0123456789", min_size=1, max_size=25)
odd_numbers = st.one_of(
    ascii_digits,
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["²", "\u0661\u0662", "\uff11", "+5", "-5", " 5", "5 ", "1e9", "0x1f", ""]),
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    any_text,
)
json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)

_label = st.one_of(
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=70),  # IDNA, too long
)
_hosts = st.one_of(
    st.lists(_label, min_size=1, max_size=4).map(".".join),
    st.sampled_from(["127.0.0.1", "localhost", "[::1]", "[fe80::1%25eth0]", "[::1", "0"]),
    st.ip_addresses(v=6).map(lambda ip: f"[{ip}]"),
    st.ip_addresses(v=4).map(str),
)
_ports = st.one_of(
    st.just(""),
    st.integers(min_value=-1, max_value=70_000).map(lambda p: f":{p}"),
    any_text.map(lambda p: f":{p}"),
)
_paths = st.from_regex(r"/[a-z0-9/_.~-]{0,12}", fullmatch=True)
# What people type as a service address, right and wrong.
service_addresses = st.one_of(
    st.tuples(
        st.sampled_from(["https://", "http://", "HTTPS://", "ftp://", "", "https:/"]),
        st.sampled_from(["", "", "user@", "user:pw@"]),
        _hosts,
        _ports,
        st.one_of(st.just(""), _paths, any_text.map(lambda p: f"/{p}")),
        st.sampled_from(["", "", "?q=1", "#top"]),
    ).map("".join),
    any_text,
)


def deep_nesting(depth: int) -> bytes:
    """JSON nested past any recursion limit."""
    return b"[" * depth + b"]" * depth


@st.composite
def objects(
    draw: st.DrawFn, fields: dict[str, st.SearchStrategy[Any]], required: Collection[str] = ()
) -> dict[str, Any]:
    """JSON objects shaped like the contract's: well formed, or with fields broken.

    Drawn well formed (the required fields present), then a few fields are dropped or given a
    value of any JSON type, among stray fields the contract does not name.
    """
    body: dict[str, Any] = draw(st.dictionaries(any_text, json_values, max_size=2))
    body |= draw(
        st.fixed_dictionaries(
            {k: fields[k] for k in required},
            optional={k: v for k, v in fields.items() if k not in required},
        )
    )
    for key in draw(st.lists(st.sampled_from(sorted(fields)), max_size=2, unique=True)):
        if draw(st.booleans()):
            body.pop(key, None)
        else:
            body[key] = draw(json_values)
    return body
