"""Station files as text: YAML or CSV in, rows of raw fields with their line numbers out.

Nothing is interpreted here beyond the file's own structure: which fields a station gives,
on which line. station_fields.py reads the values; provisioning.py decides what changes.
Every problem is collected, none stops the reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
import csv
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .station_fields import BY_NAME, Exported, Raw, list_joiner

# More than a building of a thousand rooms with every field filled in.
MAX_CHARACTERS: Final = 8 * 1024 * 1024
STATIONS_KEY: Final = "stations"
# Plain YAML scalars that mean "nothing": the field is cleared.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# libyaml when installed (Home Assistant's own images have it): ten times faster.
_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class FileFormat(StrEnum):
    """A station file's format."""

    YAML = "yaml"
    CSV = "csv"


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, where: a line of the file (0: the file as a whole) and a field."""

    line: int
    field: str
    code: str
    # What the words show with it, as {0}, {1}: never a personal value.
    detail: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Row:
    """One station as the file gives it: its fields' raw values and their lines."""

    line: int
    values: dict[str, Raw]
    lines: dict[str, int]


def read_rows(text: str, file_format: FileFormat) -> tuple[list[Row], list[Problem]]:
    """The stations in a file, and every problem with its structure."""
    if len(text) > MAX_CHARACTERS:
        return [], [Problem(0, "", "too_large", (str(MAX_CHARACTERS),))]
    text = text.removeprefix("\ufeff")  # spreadsheets often start UTF-8 files with a BOM
    if file_format is FileFormat.CSV:
        return _csv_rows(text)
    return _yaml_rows(text)


# -- YAML ----------------------------------------------------------------------------------


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _yaml_value(node: Node) -> Raw | None:
    """A scalar's text, or a list of scalars' items; None for anything else."""
    if isinstance(node, ScalarNode):
        value = str(node.value)
        return "" if node.style is None and value in _NULLS else value
    if isinstance(node, SequenceNode) and all(isinstance(i, ScalarNode) for i in node.value):
        return tuple(str(item.value) for item in node.value)
    return None


def _yaml_station(node: Node, problems: list[Problem]) -> Row | None:
    if not isinstance(node, MappingNode):
        problems.append(Problem(_line(node), "", "not_a_station"))
        return None
    values: dict[str, Raw] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = _line(key_node)
        if not isinstance(key_node, ScalarNode):
            problems.append(Problem(line, "", "not_a_station"))
            continue
        name = str(key_node.value).strip().lower()
        if name not in BY_NAME:
            problems.append(Problem(line, name, "unknown_field"))
        elif name in values:
            problems.append(Problem(line, name, "duplicate_field", (str(lines[name]),)))
        elif (value := _yaml_value(value_node)) is None:
            problems.append(Problem(line, name, "not_text"))
        else:
            values[name], lines[name] = value, line
    return Row(_line(node), values, lines)


def _yaml_stations(root: Node | None, problems: list[Problem]) -> Iterable[Node]:
    """The list of stations: the whole document, or its `stations` key."""
    if root is None:
        return ()
    if isinstance(root, MappingNode):
        found: Node | None = None
        for key_node, value_node in root.value:
            if isinstance(key_node, ScalarNode) and key_node.value == STATIONS_KEY:
                found = value_node
            else:
                problems.append(Problem(_line(key_node), str(key_node.value), "unknown_field"))
        if found is None or _yaml_value(found) == "":
            return ()
        root = found
    if not isinstance(root, SequenceNode):
        problems.append(Problem(_line(root), "", "not_a_list"))
        return ()
    return list(root.value)


def _yaml_rows(text: str) -> tuple[list[Row], list[Problem]]:
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = int(mark.line) + 1 if mark is not None else 0
        return [], [Problem(line, "", "syntax", (err.problem or "",))]
    except yaml.YAMLError:
        # Characters YAML does not allow; the reader gives no line.
        return [], [Problem(0, "", "syntax")]
    problems: list[Problem] = []
    rows = [
        row
        for node in _yaml_stations(root, problems)
        if (row := _yaml_station(node, problems)) is not None
    ]
    return rows, problems


# -- CSV -----------------------------------------------------------------------------------


def _physical_lines(text: str) -> list[str]:
    """Lines as editors count them (only a line feed ends one), each with its ending."""
    lines = [f"{line}\n" for line in text.split("\n")]
    lines[-1] = lines[-1].removesuffix("\n")
    return [line for line in lines if line]


def _is_blank(cells: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _header(cells: Sequence[str], line: int, problems: list[Problem]) -> list[str]:
    names = [cell.strip().lower() for cell in cells]
    for index, name in enumerate(names):
        if name not in BY_NAME:
            problems.append(Problem(line, name, "unknown_field"))
        elif name in names[:index]:
            problems.append(Problem(line, name, "duplicate_field", (str(line),)))
    return names


def _csv_rows(text: str) -> tuple[list[Row], list[Problem]]:
    problems: list[Problem] = []
    rows: list[Row] = []
    header: list[str] | None = None
    reader = csv.reader(_physical_lines(text), strict=True)
    last = 0
    try:
        for cells in reader:
            line, last = last + 1, reader.line_num
            if _is_blank(cells):
                continue
            if header is None:
                # Comment lines (`# personal fields included`) come before the header only.
                if not cells[0].lstrip().startswith("#"):
                    header = _header(cells, line, problems)
            elif len(cells) != len(header):
                counts = (str(len(cells)), str(len(header)))
                problems.append(Problem(line, "", "cell_count", counts))
            else:
                values: dict[str, Raw] = {
                    n: c for n, c in zip(header, cells, strict=True) if n in BY_NAME
                }
                rows.append(Row(line, values, dict.fromkeys(values, line)))
    except csv.Error as err:
        problems.append(Problem(reader.line_num, "", "syntax", (str(err),)))
    return rows, problems


# -- writing -------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """YAML with several-line text as blocks, as people write it."""


def _text_block(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text_block)


class _Collect:
    """A file-like target for csv.writer that keeps what it is given."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)


def _cell(name: str, value: Exported) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return list_joiner(BY_NAME[name]).join(value)
    return str(value)


def write_rows(
    rows: Sequence[Mapping[str, Exported]],
    columns: Sequence[str],
    file_format: FileFormat,
    comments: Sequence[str],
) -> str:
    """A station file: comment lines first, then every row with these columns."""
    head = "".join(f"# {line}\n" for line in comments)
    if file_format is FileFormat.CSV:
        out = _Collect()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(name, row[name]) for name in columns] for row in rows)
        return head + "".join(out.parts)
    stations = [{name: row[name] for name in columns} for row in rows]
    body = yaml.dump(
        {STATIONS_KEY: stations},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return head + body
