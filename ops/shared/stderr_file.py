"""A helper process's stderr, kept in an unnamed temporary file: a chatty child never blocks on a full pipe, and
the end of what it said can be read once it has exited (to be redacted by the caller before it is shown)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from typing import IO, Any

_TAIL_BYTES = 1024 * 1024


def stderr_file() -> IO[bytes]:
    """A file to pass as a child's `stderr=` (closed by the caller)."""
    return tempfile.TemporaryFile()


def start_with_stderr_file(argv: list[str], **popen: Any) -> tuple[subprocess.Popen[bytes], IO[bytes]]:
    """Start a child whose stderr goes to a `stderr_file()`; the file is closed if the start fails (OSError)."""
    stderr = stderr_file()
    try:
        return subprocess.Popen(argv, stderr=stderr, **popen), stderr
    except OSError:
        stderr.close()
        raise


def stderr_tail(file: IO[bytes]) -> str:
    """The end of what the child wrote: a bounded tail, from a line start, so no secret is cut in two before the
    caller redacts it. Read only once the child has exited (it shares the file offset)."""
    size = file.seek(0, os.SEEK_END)
    start = max(0, size - _TAIL_BYTES)
    file.seek(start)
    text = file.read().decode("utf-8", "replace")
    return text.partition("\n")[2] if start else text
