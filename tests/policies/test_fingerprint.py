"""`python -m ops fingerprint` end to end: stdin -> digest, exit codes, the secret never echoed."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys

import pytest

from ops.fingerprint import fingerprint as ops_fp
from ops.fingerprint import read_secret
from ops.shared.errors import UsageError
from policies.rules.no_production_secrets import fingerprint as rule_fp
from tests.support.env import ROOT
from tests.support.policy import CANARY_DB_PASSWORD


def run(stdin: bytes, module: str = "ops") -> subprocess.CompletedProcess[bytes]:
    args = [sys.executable, "-m", module] + (["fingerprint"] if module == "ops" else [])
    return subprocess.run(args, input=stdin, capture_output=True, cwd=ROOT, timeout=30, check=False)


def test_prints_the_sha256_of_the_secret():
    result = run(f"{CANARY_DB_PASSWORD}\n".encode())
    assert result.returncode == 0
    assert result.stdout == hashlib.sha256(CANARY_DB_PASSWORD.encode()).hexdigest().encode() + b"\n"
    assert CANARY_DB_PASSWORD.encode() not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("stdin", "secret"),
    [
        (b"s3cret", "s3cret"),
        (b"s3cret\n", "s3cret"),
        (b"s3cret\r\n", "s3cret"),
        (b"s3cret\n\n", "s3cret\n"),
        (b" s3cret ", " s3cret "),
    ],
)
def test_strips_exactly_one_newline(stdin, secret):
    assert read_secret(io.BytesIO(stdin)) == secret


@pytest.mark.parametrize("stdin", [b"", b"\n", b"\r\n"])
def test_empty_input_is_refused(stdin):
    with pytest.raises(UsageError, match="^stdin: expected the secret value, got nothing$"):
        read_secret(io.BytesIO(stdin))


def test_empty_input_is_a_usage_error_end_to_end():
    result = run(b"\n")
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr == b"error: stdin: expected the secret value, got nothing\n"


def test_non_utf8_is_a_usage_error_without_echo():
    result = run(b"\xffCANARYraw\xfe")
    assert result.returncode == 2
    assert b"CANARYraw" not in result.stdout + result.stderr
    assert b"Traceback" not in result.stderr


def test_standalone_module_entry_point():
    result = run(b"x\n", module="ops.fingerprint")
    assert (result.returncode, result.stdout) == (0, hashlib.sha256(b"x").hexdigest().encode() + b"\n")


def test_digest_matches_what_the_policy_compares():
    assert ops_fp("pässwörd") == rule_fp("pässwörd") == hashlib.sha256("pässwörd".encode()).hexdigest()
