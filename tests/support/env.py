"""Where the repository is, and what a missing tool means: a skip locally, a failure in CI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[2]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> NoReturn:
    """A prerequisite is missing: skip with the reason, but fail in CI, where a broken install
    must never turn checks into silent skips."""
    if in_ci():
        pytest.fail(f"CI must run these tests: {reason}")
    pytest.skip(reason)
