"""``python -m ops fingerprint``: SHA-256 fingerprint of a production secret for the policy config.

Reads the secret from stdin (hidden prompt when stdin is a terminal), strips exactly one
trailing newline (``\\n`` or ``\\r\\n``) and prints the hex digest, which goes into
``productionSecretFingerprints`` of ``no-production-secrets``.  The secret is never
echoed, logged or part of an error message.

    pulumi config get --stack production dbPassword | python -m ops fingerprint
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import sys
from typing import BinaryIO

from ops.shared.errors import UsageError


def fingerprint(secret: str) -> str:
    """The digest the policy compares against: SHA-256 of the UTF-8 bytes, lowercase hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def read_secret(stream: BinaryIO) -> str:
    data = stream.read()
    if data.endswith(b"\r\n"):
        data = data[:-2]
    elif data.endswith(b"\n"):
        data = data[:-1]
    if not data:
        raise UsageError("stdin: expected the secret value, got nothing")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError("stdin: the secret must be UTF-8 text") from None


def _prompt() -> str:
    secret = getpass.getpass("secret (input hidden): ")
    if not secret:
        raise UsageError("stdin: expected the secret value, got nothing")
    return secret


def main(args: argparse.Namespace) -> int:
    secret = _prompt() if sys.stdin.isatty() else read_secret(sys.stdin.buffer)
    print(fingerprint(secret))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fingerprint",
        help="print the SHA-256 fingerprint of a secret read from stdin (for no-production-secrets)",
        description=(
            "Read a secret from stdin (one trailing newline is stripped) and print its SHA-256 hex "
            "digest for policies/config.*.json productionSecretFingerprints. The secret is never echoed."
        ),
    )
    parser.set_defaults(handler=main)


if __name__ == "__main__":  # also runnable on its own, through the one runner: python -m ops.fingerprint
    # Imported here, not at the top: the runner imports this module to register the command.
    from ops.__main__ import main as run

    sys.exit(run(["fingerprint", *sys.argv[1:]]))
