"""Fixtures for `ops verify`: the command run in-process, loopback only.

The fake app servers (`make_server`) and certificates (`certs`) are fixtures of tests/conftest.py
(helpers: tests/support/app_server.py, certs.py).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.commands import Run
from tests.support.fake_cli import Reply, write_fake_cli


@pytest.fixture
def verify(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Parse argv with the real `register` parser and run `ops.verify.command.main` in-process.

    A `UsageError` becomes exit code 2 with its message on stderr, as `python -m ops` does.
    """
    import argparse

    from ops.shared.errors import UsageError
    from ops.verify import command as verify_module

    def run(*argv: str) -> Run:
        parser = argparse.ArgumentParser(prog="ops")
        verify_module.register(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args(["verify", *argv])
        try:
            code = args.handler(args)
        except UsageError as exc:
            print(f"error: {exc}", file=sys.stderr)
            code = 2
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib honours *_proxy variables; these tests only ever talk to loopback."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)


@pytest.fixture
def fake_pulumi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Put an executable `pulumi` on a PATH of its own; it logs argv and prints what it is told."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "pulumi.log"
    monkeypatch.setenv("PATH", str(bin_dir))

    def install(stdout: str = "", stderr: str = "", code: int = 0) -> Path:
        write_fake_cli(bin_dir, "pulumi", default=Reply(stdout, stderr, code), log=log)
        return log

    return install
