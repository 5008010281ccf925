"""Evidence from earlier runs for `ops readiness`: an `ops verify` report (its JSON or Markdown) and the
JSON of `ops rehearse`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ops.readiness.model import FAIL, PASS, WARN, Item
from ops.verify.report import MARKDOWN_STATUS, MARKDOWN_TITLE
from ops.verify.target import redact_userinfo
from stacks.guard import is_production

GROUP = "Evidence from runs"


def verify_item(stack: str, path: Path | None) -> Item:
    group, title = GROUP, "Post-deploy verification (`ops verify`)"
    if path is None:
        return Item(
            group,
            title,
            FAIL,
            f"no report given: run `python -m ops verify --stack {stack} --report verify-report.json` against the "
            "deployed app and pass `--verify-report verify-report.json`",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Item(group, title, FAIL, f"{path.name}: cannot read it ({exc.__class__.__name__})")
    report = _parse_verify(text)
    if isinstance(report, str):
        return Item(group, title, FAIL, f"{path.name}: {report}")
    result, checks, url, started = report
    listed = ", ".join(f"{name} {status}" for name, status in checks)
    where = f"{redact_userinfo(url)} on {started}"
    if result != "pass":
        failed = [name for name, status in checks if status == "fail"]
        why = f"failed: {', '.join(failed)}" if failed else f"result {result}"
        return Item(group, title, FAIL, f"{path.name}: {why} ({where}; {listed or 'no check finished'})")
    return Item(group, title, PASS, f"{path.name}: passed ({where}; {listed})")


def _parse_verify(text: str) -> tuple[str, list[tuple[str, str]], str, str] | str:
    """(result, [(check, status)], url, started) from a JSON or Markdown verify report, or why not."""
    statuses = set(MARKDOWN_STATUS)
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if data is not None:
        if not isinstance(data, dict):
            return "not a verify report (JSON, but not an object)"
        checks = data.get("checks")
        well_formed = isinstance(checks, list) and all(
            isinstance(c, dict) and c.get("status") in statuses and isinstance(c.get("name"), str) for c in checks
        )
        if not isinstance(data.get("result"), str) or not well_formed:
            return "not a verify report (expected `result` and `checks` with name and status)"
        pairs = [(c["name"], c["status"]) for c in checks]
        return data["result"], pairs, str(data.get("url", "")), str(data.get("started", ""))
    if not text.startswith(MARKDOWN_TITLE):
        return "not a verify report (neither its JSON nor its Markdown)"
    fields = dict(re.findall(r"^- \*\*(Date|URL|Result):\*\* (.*)$", text, re.MULTILINE))
    icons = {mark: status for status, mark in MARKDOWN_STATUS.items()}
    rows = re.findall(r"^\| ([\w-]+) \| (\S+ \w+) \|", text, re.MULTILINE)
    checks = [(name, icons[mark]) for name, mark in rows if mark in icons]
    result_line = fields.get("Result", "")
    result = result_line.split(" ", 1)[0].rstrip(":").lower()
    if result not in ("pass", "fail", "unreachable", "interrupted"):
        return "not a verify report (no **Result:** line)"
    return result, checks, fields.get("URL", ""), fields.get("Date", "")


def rehearsal_item(stack: str, path: Path | None) -> Item:
    group, title = GROUP, "Dress rehearsal (`ops rehearse`)"
    if path is None:
        return Item(
            group,
            title,
            FAIL,
            f"no result given: `python -m ops rehearse {stack} --json > rehearsal.json`, then "
            "`--rehearsal-report rehearsal.json`",
            blocking=False,
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return Item(group, title, FAIL, f"{path.name}: not JSON ({exc.__class__.__name__})")
    problem = _rehearsal_problem(data, stack)
    if problem:
        return Item(group, title, FAIL, f"{path.name}: {problem}")
    steps = data["steps"]
    failed = [step["name"] for step in steps if not step["ok"]]
    total = sum(float(step["seconds"]) for step in steps)
    if not data["ok"] or failed:
        return Item(group, title, FAIL, f"{path.name}: not as expected: {', '.join(failed) or 'overall ok is false'}")
    names = ", ".join(f"{s['name']} (exit {s['exitCode']}, expected {s['expected']})" for s in steps)
    return Item(group, title, PASS, f"{path.name}: {len(steps)} step(s) as expected in {total:.0f} s: {names}")


RESTORE = ("Backups", "A restore was rehearsed")


def restore_item(stack: str, path: Path | None) -> Item:
    """The restore steps of an `ops rehearse --json` report: this stack's, or any non-production stack's
    (production's rehearsal never restores; staging's restores through the real engine)."""
    group, title = RESTORE
    if path is None:
        return Item(
            group,
            title,
            WARN,
            "no evidence given: `python -m ops rehearse staging --json > rehearsal.json` (its `restore:` steps "
            "apply dbRestore through the real engine), then `--restore-report rehearsal.json`"
            + (" or `--rehearsal-report`" if not is_production(stack) else ""),
            blocking=False,
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return Item(group, title, FAIL, f"{path.name}: not JSON ({exc.__class__.__name__})")
    rehearsed = data.get("stack") if isinstance(data, dict) else None
    problem = _rehearsal_problem(data, rehearsed if isinstance(rehearsed, str) else stack)
    if problem:
        return Item(group, title, FAIL, f"{path.name}: {problem}")
    if rehearsed != stack and is_production(rehearsed):
        return Item(group, title, FAIL, f"{path.name}: the rehearsal of `{rehearsed}` restores nothing")
    steps = [step for step in data["steps"] if "restore" in step["name"]]
    if not steps:
        return Item(
            group,
            title,
            FAIL,
            f"{path.name}: the rehearsal of `{rehearsed}` has no restore step (rehearse again with this version)",
            blocking=False,
        )
    failed = [step["name"] for step in steps if not step["ok"]]
    if failed or not data["ok"]:
        return Item(group, title, FAIL, f"{path.name}: not as expected: {', '.join(failed) or 'overall ok is false'}")
    seconds = sum(float(step["seconds"]) for step in steps)
    names = ", ".join(step["name"] for step in steps)
    return Item(
        group,
        title,
        PASS,
        f"{path.name}: restored on `{rehearsed}` through the real engine, {len(steps)} step(s) as expected in "
        f"{seconds:.0f} s: {names}",
    )


def _rehearsal_problem(data: Any, stack: str) -> str | None:
    """Why `data` is not a rehearsal of `stack`: {stack, ok, steps: [{name, expected, exitCode, seconds, ok}]}."""
    if not isinstance(data, dict):
        return "malformed: expected a JSON object"
    for key, kind in (("stack", str), ("ok", bool), ("steps", list)):
        if not isinstance(data.get(key), kind):
            return f"malformed: `{key}` missing or not a {kind.__name__}"
    if data["stack"] != stack:
        return f"it is the rehearsal of `{data['stack']}`, not `{stack}`"
    if not data["steps"]:
        return "malformed: no steps"
    for index, step in enumerate(data["steps"]):
        if not isinstance(step, dict):
            return f"malformed: steps[{index}] is not an object"
        for key, kinds in (("name", (str,)), ("ok", (bool,)), ("exitCode", (int,)), ("seconds", (int, float))):
            value = step.get(key)
            if not isinstance(value, kinds) or (key != "ok" and isinstance(value, bool)):
                return f"malformed: steps[{index}].{key} missing or of the wrong type"
        if "expected" not in step:
            return f"malformed: steps[{index}].expected missing"
    return None
