"""Fixtures for the checks on `.github/workflows/`, the Makefile and the secrets baseline."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.support.env import unavailable
from tests.support.workflows import WORKFLOW_DIR, workflow_files


@pytest.fixture(scope="session")
def tool() -> Callable[[str], str]:
    """Path of a CLI tool from the venv or PATH.

    Missing locally: skip with the reason. Missing in CI (CI=true): fail, so a
    broken install can never turn these checks into silent skips.
    """

    def find(name: str) -> str:
        venv_bin = Path(sys.executable).parent / name
        path = str(venv_bin) if venv_bin.is_file() else shutil.which(name)
        if path:
            return path
        unavailable(f"{name} is not installed (make .venv/.installed: requirements-dev.txt)")

    return find


@pytest.fixture(scope="session")
def workflows() -> dict[str, dict]:
    """Every workflow parsed, keyed by file name; PyYAML reads `on:` as True, so normalise it."""
    parsed = {}
    for path in workflow_files():
        data = yaml.safe_load(path.read_text())
        if True in data:
            data["on"] = data.pop(True)
        parsed[path.name] = data
    assert parsed, f"no workflows under {WORKFLOW_DIR}"
    return parsed
