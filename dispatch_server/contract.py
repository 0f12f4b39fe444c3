"""Request validation against the contract's OpenAPI file (the authority on the API)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
import yaml

OPENAPI_PATH = (
    Path(__file__).parent.parent / "custom_components" / "brave" / "adapters" / "openapi.yaml"
)

_FORMATS = FormatChecker()


@_FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    # RFC 3339 with an offset, as the contract says.
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))
    return document


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    # The component schemas ride along in the root so "#/components/..." references resolve.
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": _document()["components"]}
    return Draft202012Validator(root, format_checker=_FORMATS)


def problem(schema_name: str, body: object) -> str | None:
    """The first way body breaks the named schema, or None when it follows it."""
    error = next(iter(_validator(schema_name).iter_errors(body)), None)
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "body"
    return f"{where}: {error.message}"
