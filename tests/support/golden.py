"""Golden files: compare a text with its committed copy; `UPDATE_GOLDEN=1` rewrites the copy instead."""

from __future__ import annotations

import difflib
import os
from pathlib import Path


def assert_golden(golden: Path, text: str) -> None:
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
    expected = golden.read_text() if golden.exists() else ""
    diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), "golden", "now"))
    assert text == expected, f"{golden.name} changed (UPDATE_GOLDEN=1 to accept after review):\n{diff}"
