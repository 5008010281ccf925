"""A helper's stderr tail (ops/shared/stderr_file.py): bounded, and never starting inside a line, so a secret
cut at the boundary cannot escape redaction in part."""

from __future__ import annotations

from ops.shared.stderr_file import stderr_file, stderr_tail

CANARY = "CANARYtailSecret3b7e"


def test_a_short_stderr_is_read_whole():
    with stderr_file() as file:
        file.write(b"first\nsecond\n")
        assert stderr_tail(file) == "first\nsecond\n"


def test_a_long_stderr_is_its_last_mebibyte_from_a_line_start():
    with stderr_file() as file:
        # The secret's line straddles the 1 MiB boundary: none of it may be quoted.
        file.write(f"{CANARY} begins the line the cut falls in ".encode() + b"x" * (1024 * 1024) + b"\nlast words\n")
        tail = stderr_tail(file)
    assert tail == "last words\n"
    assert CANARY[-6:] not in tail
