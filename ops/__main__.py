"""`python -m ops COMMAND`: one-line errors, exit 0 ok, 1 refused or failed checks, 2 usage."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys

from ops.shared.errors import UsageError

# Each command and the module that registers it; only the one being run is imported.
COMMANDS = {
    "plan": "ops.plan.command",
    "fingerprint": "ops.fingerprint",
    "verify": "ops.verify.command",
    "runbook": "ops.runbook.command",
    "checklist": "ops.checklist.command",
    "readiness": "ops.readiness.command",
    "rehearse": "ops.rehearsal.rehearse_command",
    "engine": "ops.rehearsal.engine_command",
    "project-config": "ops.project_config",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's default prints usage; keep it to one line
        raise UsageError(message)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser, or only `command`'s: importing all of them (the rehearsal's gRPC stand-ins,
    the documents' plan facts) cost `ops plan` about 0.3 s of startup (python -X importtime)."""
    parser = _Parser(prog="python -m ops", description="Kitchen Kontrol infrastructure commands.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in (command,) if command in COMMANDS else COMMANDS:
        module_name = COMMANDS[name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser(argv[0] if argv else None).parse_args(argv)
        return args.handler(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def exit_with(code: int):
    """Exit without the interpreter's last garbage collections over the SDKs' objects (about 0.5 s of
    `ops plan`, bench/run.py): frozen, they are skipped. Modules are still torn down, files flushed and
    closed, atexit handlers run; only cyclic garbage is left to the operating system."""
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    exit_with(main())
