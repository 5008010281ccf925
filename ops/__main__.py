"""`python -m ops COMMAND`: one-line errors, exit 0 ok, 1 refused or failed checks, 2 usage."""

from __future__ import annotations

import argparse
import importlib
import sys

from ops.errors import UsageError

COMMANDS = ("plan", "fingerprint", "verify", "runbook", "checklist", "readiness", "rehearse", "engine")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's default prints usage; keep it to one line
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m ops", description="Kitchen Kontrol infrastructure commands.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"ops.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"ops.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
