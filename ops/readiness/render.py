"""The readiness report as Markdown: the verdict first, then every item under its group."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ops.readiness.model import FAIL, PASS, WARN, Evidence, Item, causes

ICONS = {PASS: "✅", FAIL: "❌", WARN: "⚠"}


def render(
    evidence: Evidence,
    items: list[Item],
    *,
    verify_report: Path | None = None,
    rehearsal_report: Path | None = None,
    restore_report: Path | None = None,
) -> str:
    stack = evidence.stack
    blocking = [item for item in items if item.blocks]
    failed = [item for item in items if item.status == FAIL]
    warnings = [item for item in items if item.status == WARN]
    flags = "".join(
        f" {flag} {path.name}"
        for flag, path in (
            ("--verify-report", verify_report),
            ("--rehearsal-report", rehearsal_report),
            ("--restore-report", restore_report),
        )
        if path
    )
    assessed = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    grouped = causes(items)
    if blocking:
        verdict = (
            f"**NOT READY: {len(blocking)} blocking item(s) failed, from {len(grouped)} cause(s):**\n\n"
            + "\n".join(
                f"- **{cause}**"
                + (f"; because of it: {'; '.join(f'*{k.title}*' for k in knock_ons)}" if knock_ons else "")
                for cause, knock_ons in grouped.items()
            )
        )
    else:
        extra = len(failed)
        verdict = (
            "**READY: every blocking item passed"
            + (f"; {extra} non-blocking item(s) without evidence" if extra else "")
            + (f"; {len(warnings)} need a person" if warnings else "")
            + ".**"
        )
    lines = [
        f"# Readiness: `{stack}`",
        "",
        f"Assessed {assessed} by `python -m ops readiness {stack}{flags}`. ✅ passed, with the evidence · "
        "❌ failed or no evidence, with the reason · ⚠ needs a person (never blocking). Only ❌ marked *blocking* "
        "make the command exit 1.",
        "",
        verdict,
    ]
    group = None
    groups = list(dict.fromkeys(item.group for item in items))  # each group once, where it first appears
    for item in sorted(items, key=lambda item: groups.index(item.group)):
        if item.group != group:
            group = item.group
            lines += ["", f"## {group}", ""]
        mark = " *(blocking)*" if item.blocks else ""
        if item.blocks and item.caused_by:
            mark = f" *(blocking, because of **{item.caused_by}**)*"
        lines.append(f"- {ICONS[item.status]} **{item.title}**{mark}: {item.evidence}")
    return "\n".join(lines) + "\n"
