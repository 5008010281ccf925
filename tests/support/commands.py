"""Commands run as a user or CI runs them: `python -m ops`, make, a workflow's `run:` script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.support.env import ROOT


def captured(
    argv: list[str], *, env: Mapping[str, str] | None, cwd: Path | None = ROOT, stdin: str | None = None, timeout: float
) -> subprocess.CompletedProcess:
    """Run `argv` to the end, stdout and stderr captured as text; a non-zero exit is the caller's to judge."""
    return subprocess.run(
        argv, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=timeout, check=False
    )


def ops_argv(*args: str) -> list[str]:
    """`python -m ops ARGS` with this interpreter."""
    return [sys.executable, "-m", "ops", *args]


def run_ops(
    *args: str,
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess:
    """`python -m ops ARGS` as a subprocess; `env=None` inherits this one."""
    return captured(ops_argv(*args), cwd=cwd, env=env, stdin=stdin, timeout=timeout)


def without_proxies(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment (this one by default) without *_proxy variables: these tests only talk to loopback."""
    return {k: v for k, v in (os.environ if env is None else env).items() if not k.lower().endswith("_proxy")}


def run_make(make: str, *args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess:
    """The Makefile at the root with this interpreter as PY; `-o .venv/.installed`: never rebuild .venv from here."""
    argv = [make, "--no-print-directory", "-o", ".venv/.installed", f"PY={sys.executable}", *args]
    return captured(argv, env=env, timeout=300)


def run_step(script: str, *, env: Mapping[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    """A workflow step's `run:` script, as GitHub runs it (bash -eo pipefail, no profile)."""
    return captured(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], env=env, cwd=cwd, timeout=60)


@dataclass
class Run:
    """A command run in-process: its exit code and captured output."""

    code: int
    out: str
    err: str

    @property
    def data(self) -> dict:
        return json.loads(self.out)
