"""The engine stays sans-IO: stdlib and itself only, no clock reads, no I/O.

Checked statically with `ast`, so a forbidden call is caught even on a branch no test runs.
"""

from __future__ import annotations

import ast
from pathlib import Path
import sys

import pytest

ENGINE = Path(__file__).parents[2] / "custom_components" / "brave" / "engine"
ENGINE_PACKAGE = "custom_components.brave.engine"

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
        "uuid",
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


def _engine_files() -> list[Path]:
    return sorted(ENGINE.glob("*.py"))


def _imported_modules(tree: ast.Module) -> list[tuple[int, str]]:
    """Absolute names of every import; relative imports resolve inside the engine."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 1:
                found.append((node.lineno, f"{ENGINE_PACKAGE}.{node.module or ''}".rstrip(".")))
            elif node.level > 1:
                # Climbing out of the engine package is leaving it.
                found.append((node.lineno, "." * node.level + (node.module or "")))
            else:
                found.append((node.lineno, node.module or ""))
    return found


def import_problems(tree: ast.Module) -> list[str]:
    """Imports that are neither the standard library nor the engine itself."""
    problems: list[str] = []
    for line, name in _imported_modules(tree):
        top = name.split(".")[0]
        if name == ENGINE_PACKAGE or name.startswith(f"{ENGINE_PACKAGE}."):
            continue
        if top == "__future__":
            continue
        if not top or top not in sys.stdlib_module_names:
            problems.append(f"line {line}: imports {name!r}, outside the stdlib and the engine")
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
        elif isinstance(func, ast.Name) and func.id in FORBIDDEN_NAMES:
            problems.append(f"line {node.lineno}: calls {func.id}()")
    return problems


def test_the_engine_package_is_found() -> None:
    names = {path.name for path in _engine_files()}
    assert {"__init__.py", "config.py", "events.py", "effects.py", "state.py", "station.py"} <= (
        names
    )


@pytest.mark.parametrize("path", _engine_files(), ids=lambda path: path.name)
def test_engine_module_imports_only_stdlib_and_itself(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert import_problems(tree) == []


@pytest.mark.parametrize("path", _engine_files(), ids=lambda path: path.name)
def test_engine_module_reads_no_clock_and_does_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert call_problems(tree) == []


@pytest.mark.parametrize(
    "source",
    [
        "import homeassistant.core",
        "from homeassistant.util import dt",
        "import aiohttp",
        "from ..coordinator import Coordinator",
        "import asyncio",
        "import socket",
        "from time import monotonic",
        "import os.path",
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
        "from custom_components.brave.engine.state import Stage",
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
        "print('hello')",
        "async def run():\n    await thing()",
    ],
)
def test_the_call_check_catches_clocks_and_io(source: str) -> None:
    assert call_problems(ast.parse(source)) != []


def test_the_call_check_allows_pure_time_arithmetic() -> None:
    source = "deadline = when + timedelta(seconds=3)\nlater = datetime.fromisoformat(text)"
    assert call_problems(ast.parse(source)) == []
