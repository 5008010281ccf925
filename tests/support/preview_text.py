"""The text a reviewer reads in `pulumi preview` / `pulumi up`, made comparable between runs.

Only what the rehearsal adds or what varies run to run is taken out: the stand-in banners (the
engine's "using pulumi-resource-… from $PATH" when stand-ins are plugins on PATH, and the stand-ins'
"no cloud is called"), with the warning and message counts they add to the stack's row and the
repeats of that row they cause; progress: dots, and the stack's own "running"/"creating" rows, which
show or not with the display's timing; durations; the fake APIs' numeric ids; and the order of the
resource rows, which follows the providers' timing. Everything else stays, so any new line is a
visible diff.
"""

from __future__ import annotations

import re

_BANNER = re.compile(
    r"warning: using pulumi-resource-\S+ from \$PATH at |stand-in provider for \S+ \S+: no cloud is called"
)
_SECTIONS = ("Policies:", "Diagnostics:", "Outputs:", "Resources:", "Duration:")
_COUNTS = re.compile(r"(?: (\d+) warnings?)?;? ?(?:(\d+) messages?)?$")
_DURATION = re.compile(r"\((?:\d+m)?\d+(?:\.\d+)?s\)|(?<=^Duration: )\S+$")
_NUMERIC_ID = re.compile(r"\b8\d{8}\b")  # the UptimeRobot fake's ids
_STACK_ROW = re.compile(r"^ [ +~-] +pulumi:pulumi:Stack \S+(?: |$)")
_STACK_PROGRESS = re.compile(r"^ [ +~-] +pulumi:pulumi:Stack \S+ (?:running|creating|updating|deleting)(?: \(…\))?$")


def reviewer_text(output: str) -> str:
    lines = [line.rstrip() for line in output.splitlines() if not line.startswith("@ ")]
    banners = [line for line in lines if _BANNER.search(line)]
    warnings = sum("warning: using" in line for line in banners) // 2  # each shows on its row and under Diagnostics
    messages = sum("no cloud is called" in line for line in banners) // 2
    kept = [_DURATION.sub("(…)" if "(" in line else "…", line) for line in lines if not _BANNER.search(line)]
    kept = [_NUMERIC_ID.sub("<id>", _without_counts(line, warnings, messages)) for line in kept]
    return "\n".join(_sorted_rows(_without_empty_diagnostics(_once(kept)))) + "\n"


def _once(lines: list[str]) -> list[str]:
    """The stack's row once per text, and none for its progress: the display prints it again for each banner (the
    same line without the banners' counts), and "running"/"creating" only when a refresh falls in that time."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        if _STACK_ROW.match(line):
            if line in seen or _STACK_PROGRESS.match(line):
                continue
            seen.add(line)
        kept.append(line)
    return kept


def _without_counts(line: str, warnings: int, messages: int) -> str:
    """The stack row's "N warnings; M messages", less the banners'."""
    if "pulumi:pulumi:Stack" not in line or not re.search(r"\d+ (warning|message)s?$", line):
        return line
    found = _COUNTS.search(line)
    left_w = int(found.group(1) or 0) - warnings
    left_m = int(found.group(2) or 0) - messages
    parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((left_w, "warning"), (left_m, "message")) if n > 0]
    return (line[: found.start()] + (" " + "; ".join(parts) if parts else "")).rstrip()


def _without_empty_diagnostics(lines: list[str]) -> list[str]:
    """Drop a Diagnostics section (or a resource in it) that only the banners filled."""
    if "Diagnostics:" not in lines:
        return lines
    start = lines.index("Diagnostics:")
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == "" or lines[i] in _SECTIONS)
    body = [
        line
        for i, line in enumerate(lines[start + 1 : end], start + 1)
        if not re.match(r"^  \S", line) or _has_entries(lines, i, end)
    ]
    if not body:
        return lines[:start] + lines[end + 1 :]
    return lines[: start + 1] + body + lines[end:]


def _has_entries(lines: list[str], header: int, end: int) -> bool:
    return header + 1 < end and lines[header + 1].startswith("    ")


def _sorted_rows(lines: list[str]) -> list[str]:
    """The resource rows between the header and the first section, sorted: their order is the providers' timing."""
    first = next((i for i, line in enumerate(lines) if line.startswith(" ") and i > 0 and lines[i - 1] == ""), None)
    if first is None:
        return lines
    end = next((i for i in range(first, len(lines)) if lines[i] in _SECTIONS), len(lines))
    return lines[:first] + sorted(lines[first:end]) + lines[end:]
