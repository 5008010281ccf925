"""`python -m ops engine [--backend DIR] -- PULUMI_ARGS…`: the real Pulumi CLI in this project with
the rehearsal's environment: stand-in providers, a local file backend, a passphrase kept beside it,
the UptimeRobot fake, no cloud credentials. For trying commands the rehearsal does not run."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

from ops.errors import UsageError
from ops.project import ROOT
from ops.rehearsal.engine import EngineSession, locate_engine
from ops.rehearsal.uptimerobot_fake import FakeUptimeRobot

DEFAULT_BACKEND = ROOT / ".tools" / "backend"


def register(subparsers) -> None:
    parser = subparsers.add_parser("engine", help="the real Pulumi CLI against the stand-in providers")
    parser.add_argument("--backend", type=Path, default=DEFAULT_BACKEND, metavar="DIR", help="file backend to use")
    parser.add_argument("pulumi_args", nargs=argparse.REMAINDER, help="arguments for pulumi, after --")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    pulumi_args = args.pulumi_args[1:] if args.pulumi_args[:1] == ["--"] else args.pulumi_args
    if not pulumi_args:
        raise UsageError("expected pulumi arguments after --, e.g. python -m ops engine -- preview -s staging")
    engine = locate_engine()
    backend = args.backend.resolve()
    passphrase_file = backend / "passphrase"
    backend.mkdir(parents=True, exist_ok=True)
    if not passphrase_file.exists():
        passphrase_file.write_text(secrets.token_urlsafe(24) + "\n")
        passphrase_file.chmod(0o600)
    # The fake lives as long as this command: its monitors do not outlive it, like the backend's do.
    with FakeUptimeRobot(api_key=secrets.token_hex(16)) as uptimerobot:
        session = EngineSession(
            engine=engine,
            project=ROOT,
            backend=backend,
            uptimerobot_url=uptimerobot.base_url,
            uptimerobot_key=uptimerobot.api_key,
            passphrase=passphrase_file.read_text().strip(),
        )
        code, output, _ = session.run(pulumi_args)
    sys.stdout.write(output)
    return code
