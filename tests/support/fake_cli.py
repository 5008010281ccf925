"""Stand-in CLIs (`pulumi`, `aws`, ...) on a PATH of the test's own: each records its argv and answers
what the test told it to, so a test sees whether and how the tool was called, and no real one is reached."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Reply:
    """What one call prints and how it exits."""

    stdout: str = ""
    stderr: str = ""
    code: int = 0


def write_fake_cli(
    bin_dir: Path,
    name: str,
    *,
    default: Reply = Reply(),
    replies: Mapping[str, Reply] | None = None,
    log: Path | None = None,
) -> Path:
    """Write an executable `bin_dir/name` and return its path.

    A call appends its arguments (space-joined, one line) to `log`, if given, and answers with the reply
    whose key names its leading arguments (`"stack output"` answers `stack output --json -s staging`),
    else with `default`.
    """
    answers = {tuple(key.split()): (r.stdout, r.stderr, r.code) for key, r in (replies or {}).items()}
    script = bin_dir / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "args = sys.argv[1:]\n"
        f"log = {str(log) if log else None!r}\n"
        "if log:\n"
        "    open(log, 'a').write(' '.join(args) + '\\n')\n"
        f"answers = {answers!r}\n"
        f"default = {(default.stdout, default.stderr, default.code)!r}\n"
        "out, err, code = next((a for k, a in answers.items() if tuple(args[: len(k)]) == k), default)\n"
        "sys.stdout.write(out); sys.stderr.write(err); sys.exit(code)\n"
    )
    script.chmod(0o755)
    return script


def logged_calls(log: Path) -> list[str]:
    """The calls a stand-in logged, one string of arguments each (none if it was never called)."""
    return log.read_text().splitlines() if log.exists() else []
