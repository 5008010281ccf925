"""The `ops verify` report: a table on stdout, JSON (what `ops readiness --verify-report` reads) or Markdown."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from ops.verify.checks import FAIL, PASS, SKIP, WARN
from ops.verify.run import INTERRUPTED, UNREACHABLE, Result

# The Markdown report's title and status cells, which `ops readiness --verify-report` reads back.
MARKDOWN_TITLE = "# Verification report"
MARKDOWN_STATUS = {PASS: "✅ pass", FAIL: "❌ fail", WARN: "⚠️ warn", SKIP: "⏭️ skip"}


def _summary(result: Result) -> str:
    if result.result == UNREACHABLE:
        return f"UNREACHABLE: {result.error}"
    labels = {PASS: "passed", FAIL: "failed", WARN: "warnings", SKIP: "skipped"}
    counts = {s: sum(c.status == s for c in result.checks) for s in labels}
    tail = ", ".join(f"{n} {labels[s]}" for s, n in counts.items() if n) or "no check finished"
    if result.result == INTERRUPTED:
        return f"INTERRUPTED: {result.error} ({tail})"
    return f"{result.result.upper()} ({tail})"


def render_table(result: Result) -> str:
    frontend = f", frontend {result.frontend_url}" if result.frontend_url else ""
    lines = [f"verify {result.url}  (health {result.health_url}{frontend})", f"started {result.started}", ""]
    if result.checks:
        width = max(len(c.name) for c in result.checks)
        lines.append(f"{'CHECK'.ljust(width)}  RESULT  DETAIL")
        lines += [f"{c.name.ljust(width)}  {c.status.upper().ljust(6)}  {c.detail}" for c in result.checks]
        lines.append("")
    lines.append(_summary(result))
    return "\n".join(lines)


def render_markdown(result: Result) -> str:
    out = [
        MARKDOWN_TITLE,
        "",
        f"- **Date:** {result.started}",
        f"- **URL:** {result.url}",
        f"- **Health URL:** {result.health_url}",
        *([f"- **Frontend URL:** {result.frontend_url}"] if result.frontend_url else []),
        f"- **Result:** {_summary(result)}",
        "",
    ]
    if result.checks:
        out += ["| Check | Result | Detail |", "|---|---|---|"]
        out += [f"| {c.name} | {MARKDOWN_STATUS[c.status]} | {c.detail.replace('|', '/')} |" for c in result.checks]
        out.append("")
    return "\n".join(out)


def render_json(result: Result) -> str:
    return json.dumps(asdict(result), indent=2, ensure_ascii=False)


def write_reports(result: Result, paths: list[str]) -> None:
    """Each --report FILE: JSON when it ends in .json (what `ops readiness --verify-report` reads), else Markdown."""
    for path in paths:
        text = render_json(result) if path.lower().endswith(".json") else render_markdown(result)
        Path(path).write_text(text + "\n", encoding="utf-8")
