"""A helper's stderr (ops/shared/stderr_file.py): its tail is bounded and never starts inside a line, so a secret
cut at the boundary cannot escape redaction in part; a helper that cannot start leaves no file open."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ops.shared.stderr_file import start_with_stderr_file, stderr_file, stderr_tail

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


def test_a_started_child_writes_its_stderr_to_the_file():
    proc, file = start_with_stderr_file([sys.executable, "-c", "import sys; sys.stderr.write('said\\n')"])
    with file:
        assert proc.wait(timeout=30) == 0
        assert stderr_tail(file) == "said\n"


def test_a_child_that_cannot_start_leaves_no_file_open():
    open_before = len(os.listdir("/proc/self/fd"))
    with pytest.raises(OSError) as failed:
        start_with_stderr_file(["/nonexistent/helper"], stdin=subprocess.DEVNULL)
    # `failed` keeps the failed call's frame alive: only an explicit close frees its file now.
    assert failed.value.filename == "/nonexistent/helper"
    assert len(os.listdir("/proc/self/fd")) == open_before
