"""The pure core stays sans-IO: the standard library, itself and a pure parser only; no clock
reads, no I/O, no Home Assistant, no network.

Checked statically with `ast` over every module of custom_components/brave/core, so a
forbidden call is caught even on a branch no test runs.
"""

from __future__ import annotations

import ast
from pathlib import Path
import sys

import pytest

CORE = Path(__file__).parents[1] / "custom_components" / "brave" / "core"
CORE_PACKAGE = "custom_components.brave.core"
# Libraries that are pure (no clock, no I/O of their own): orjson reads JSON strictly; PyYAML
# (Home Assistant's own YAML library) reads and writes station files from and to strings.
PURE_LIBRARIES = frozenset({"orjson", "yaml"})
# The integration's names (constants only, no imports): the keys of a station's stored data.
CORE_ALSO = frozenset({"custom_components.brave.const"})

# Standard library modules that read clocks, do I/O (logging writes to handlers), run
# concurrently or are not deterministic.
FORBIDDEN_MODULES = frozenset(
    {
        "asyncio",
        "concurrent",
        "ftplib",
        "http",
        "io",
        "logging",
        "multiprocessing",
        "os",
        "pathlib",
        "random",
        "secrets",
        "select",
        "selectors",
        "shutil",
        "signal",
        "smtplib",
        "socket",
        "sqlite3",
        "ssl",
        "subprocess",
        "tempfile",
        "threading",
        "time",
        "urllib",
    }
)
# Calls through an attribute that read a clock, whatever they are called on.
CLOCK_ATTRIBUTES = frozenset(
    {"now", "utcnow", "today", "monotonic", "monotonic_ns", "perf_counter", "time_ns"}
)
# Bare calls to builtins (or imported names) that do I/O or escape the engine.
FORBIDDEN_NAMES = frozenset(
    {"open", "print", "input", "breakpoint", "exec", "eval", "__import__", "utcnow", "now"}
)
# uuid5 derives a key from a name; these read a clock, the host or randomness.
RANDOM_ATTRIBUTES = frozenset({"uuid1", "uuid4", "getnode"})


def _core_files() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def _package_of(path: Path) -> str:
    parts = path.relative_to(CORE).with_suffix("").parts
    return ".".join((CORE_PACKAGE, *parts[:-1]))


def _imported_modules(tree: ast.Module, package: str) -> list[tuple[int, str]]:
    """Absolute names of every import; relative ones resolve from `package`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                found.append((node.lineno, ".".join([*base, node.module or ""]).rstrip(".")))
            else:
                found.append((node.lineno, node.module or ""))
    return found


def import_problems(tree: ast.Module, package: str = f"{CORE_PACKAGE}.engine") -> list[str]:
    """Imports that are neither the standard library, a pure library nor the core itself."""
    problems: list[str] = []
    for line, name in _imported_modules(tree, package):
        top = name.split(".")[0]
        if name in CORE_ALSO or name == CORE_PACKAGE or name.startswith(f"{CORE_PACKAGE}."):
            continue
        if top in ("__future__", *PURE_LIBRARIES):
            continue
        if not top or top not in sys.stdlib_module_names:
            problems.append(f"line {line}: imports {name!r}, outside the stdlib and the core")
        elif top in FORBIDDEN_MODULES:
            problems.append(f"line {line}: imports {name!r} (clock, I/O or randomness)")
    return problems


def call_problems(tree: ast.Module) -> list[str]:
    """Clock reads, I/O calls and async code."""
    problems: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.AsyncFunctionDef, ast.Await, ast.AsyncFor, ast.AsyncWith)):
            problems.append(f"line {node.lineno}: async code")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            target = func.value.id if isinstance(func.value, ast.Name) else None
            if func.attr in CLOCK_ATTRIBUTES or (func.attr == "time" and target == "time"):
                problems.append(f"line {node.lineno}: calls .{func.attr}()")
            if func.attr in RANDOM_ATTRIBUTES:
                problems.append(f"line {node.lineno}: calls .{func.attr}()")
        elif isinstance(func, ast.Name) and func.id in FORBIDDEN_NAMES:
            problems.append(f"line {node.lineno}: calls {func.id}()")
    return problems


def test_the_core_is_found() -> None:
    names = {str(path.relative_to(CORE)) for path in _core_files()}
    assert {"engine/station.py", "outbox.py", "notices.py", "words/room.py", "records.py"} <= names


@pytest.mark.parametrize("path", _core_files(), ids=lambda path: str(path.relative_to(CORE)))
def test_core_module_imports_only_stdlib_and_the_core(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert import_problems(tree, _package_of(path)) == []


@pytest.mark.parametrize("path", _core_files(), ids=lambda path: str(path.relative_to(CORE)))
def test_core_module_reads_no_clock_and_does_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert call_problems(tree) == []


@pytest.mark.parametrize(
    "source",
    [
        "import homeassistant.core",
        "from homeassistant.util import dt",
        "import aiohttp",
        "from ...adapters.site import BraveSite",
        "from ...types import BraveConfigEntry",
        "import asyncio",
        "import socket",
        "from time import monotonic",
        "import os.path",
        "import aiohttp.web",
    ],
)
def test_the_import_check_catches_forbidden_imports(source: str) -> None:
    assert import_problems(ast.parse(source)) != []


@pytest.mark.parametrize(
    "source",
    [
        "from .config import Timers",
        "from . import effects",
        "from datetime import datetime, timedelta",
        "from custom_components.brave.core.engine.state import Stage",
        "from ..outbox import Outbox",
        "import orjson",
        "from __future__ import annotations",
    ],
)
def test_the_import_check_allows_stdlib_and_the_engine(source: str) -> None:
    assert import_problems(ast.parse(source)) == []


@pytest.mark.parametrize(
    "source",
    [
        "datetime.now(UTC)",
        "datetime.datetime.utcnow()",
        "dt_util.utcnow()",
        "utcnow()",
        "time.time()",
        "time.monotonic()",
        "loop.time_ns()",
        "open('state.json')",
        "uuid.uuid4()",
        "print('hello')",
        "async def run():\n    await thing()",
    ],
)
def test_the_call_check_catches_clocks_and_io(source: str) -> None:
    assert call_problems(ast.parse(source)) != []


def test_the_call_check_allows_pure_time_arithmetic() -> None:
    source = "deadline = when + timedelta(seconds=3)\nlater = datetime.fromisoformat(text)"
    assert call_problems(ast.parse(source)) == []
