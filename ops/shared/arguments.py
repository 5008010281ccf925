"""The command-line arguments several `ops` commands share: the stack, an input file that must exist, an
output file whose directory must, and the document written to `--out FILE` or stdout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ops.shared.errors import UsageError


def add_stack(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack", help="stack name, e.g. staging")


def add_out(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--out", metavar="FILE", type=Path, help=f"write the {what} to FILE instead of stdout")


def require_file(flag: str, path: str | Path | None) -> None:
    """A usage error unless the input file `path` given with `flag` exists (None or empty: the flag was not given)."""
    if path and not Path(path).is_file():
        raise UsageError(f"{flag} {path}: no such file")


def require_directory(flag: str, path: str | Path | None) -> None:
    """A usage error unless the directory the output file `path` goes to exists; checked before any work."""
    if path and not Path(path).resolve().parent.is_dir():
        raise UsageError(f"{flag} {path}: directory does not exist")


def write_document(document: str, out: Path | None, *, wrote: str | None = None) -> None:
    """`document` to `out`, else to stdout; `wrote` names it in a line on stderr once it is in a file."""
    if out is None:
        sys.stdout.write(document)
        return
    out.write_text(document, encoding="utf-8")
    if wrote:
        print(f"wrote {wrote} to {out}", file=sys.stderr)
