"""The operations documents' setting: what a fresh clone without credentials sees, and a finished stack."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.env import ROOT

# What a fresh clone without credentials sees: no pulumi CLI, no provider variables.
CLEAN_ENV_KEEP = ("LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
# A finished stack: real-looking people everywhere, so only what the program declares decides.
ESCALATION = ["15m: primary", "45m: backup", "2h: Cy Dorn <cy@kitchen-kontrol.dev>"]


def clean_env(bin_dir: Path, home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in CLEAN_ENV_KEEP}
    env.update(PATH=str(bin_dir), HOME=str(home), PYTHONPATH=str(ROOT), **extra)
    return env
