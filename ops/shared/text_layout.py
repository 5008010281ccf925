"""Text that fits a terminal: its width, names shortened in the middle, values wrapped at words."""

from __future__ import annotations

import json
import os
import shutil
import sys
from typing import Any

ELLIPSIS = "…"
MIN_WIDTH = 60
DEFAULT_WIDTH = 120  # not a terminal and no COLUMNS: CI logs


def default_width() -> int:
    """The terminal's width on a terminal, else $COLUMNS, else DEFAULT_WIDTH."""
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else DEFAULT_WIDTH


def shorten(text: str, width: int) -> str:
    """Cut the middle out, keeping both ends (names differ at the end as often as at the start)."""
    if width <= 0 or len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    head = (width - 1 + 1) // 2
    tail = width - 1 - head
    return text[:head] + ELLIPSIS + (text[-tail:] if tail else "")


def shorten_type(label: str, width: int) -> str:
    """A tree-prefixed type in `width` columns: the tree stays, then the module goes
    (`pulumi-python:…:TeamMembership`), then the middle."""
    if width <= 0 or len(label) <= width:
        return label
    type_ = label.lstrip("│├└─ ")
    tree = label[: len(label) - len(type_)]
    parts = type_.split(":")
    if len(parts) == 3:
        type_ = f"{parts[0]}:{ELLIPSIS}:{parts[2]}"
    return tree + shorten(type_, width - len(tree)) if width > len(tree) else shorten(label, width)


def shorten_name(name: str, parent: str, width: int) -> str:
    """A name in `width` columns. A child's name repeats its parent's, shown just above it in the
    tree: that head goes first (`…-member-oncall-…`), then the middle of the rest."""
    if width <= 0 or len(name) <= width:
        return name
    if parent and name.startswith(parent) and len(name) > len(parent):
        rest = name[len(parent) :]
        return ELLIPSIS + shorten(rest, width - 1) if width > 1 else ELLIPSIS
    return shorten(name, width)


def wrap(text: str, width: int, indent: str, hanging: str | None = None) -> list[str]:
    """`text` as lines of at most `width`, first prefixed by `indent`, the rest by `hanging`.
    A word (a URL) is split only when a line of its own cannot hold it."""
    hanging = indent if hanging is None else hanging
    if width <= 0:
        return [indent + text]
    lines: list[str] = []
    prefix, current = indent, ""
    for word in text.split(" "):
        if current and len(prefix) + len(current) + 1 + len(word) <= width:
            current += " " + word
            continue
        if current:
            lines.append(prefix + current)
            prefix = hanging
        current = word
        while len(prefix) + len(current) > width and width > len(prefix):
            room = width - len(prefix)
            lines.append(prefix + current[:room])
            prefix, current = hanging, current[room:]
    lines.append(prefix + current)
    return lines


def inline(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
