"""The plan, or a comparison, as a pull-request comment (GitHub-flavoured Markdown).

First the summary line; mandatory policy violations next, outside any fold, because they block
the update; everything else in collapsible sections. Every value from the plan is escaped: the
comment may be built from a fork's code and must not inject markup.
"""

from __future__ import annotations

import html
from typing import Any, Iterable, Mapping

from ops.plan.compare import describe_change, headline
from ops.plan.cost import signed_usd, usd
from ops.plan.document import deferred_reason, simplify_type
from ops.plan.render import policy_lines, tree_lines, violation_text

MAX_ROWS = 50  # per table; a comment must stay far below GitHub's 65,536 characters


# Backslash-escape Markdown punctuation; `<`, `>` and `&` become entities (html.escape) after.
_PUNCTUATION = str.maketrans({c: "\\" + c for c in "\\`*_[]#!|~"})


def text(value: Any) -> str:
    """Plain text in a table cell or a line: no markup, no HTML, one line."""
    return html.escape(str(value).replace("\n", " ").translate(_PUNCTUATION), quote=False)


def _longest_run(value: str, char: str = "`") -> int:
    longest = run = 0
    for c in value:
        run = run + 1 if c == char else 0
        longest = max(longest, run)
    return longest


def code(value: Any) -> str:
    """Inline code (a table's pipe still escaped); no backtick inside can close it."""
    raw = str(value).replace("\n", " ").replace("|", "\\|")
    fence = "`" * (_longest_run(raw) + 1)
    pad = " " if raw.startswith("`") or raw.endswith("`") else ""
    return f"{fence}{pad}{raw}{pad}{fence}"


def fenced(lines: Iterable[str]) -> list[str]:
    body = list(lines)
    fence = "`" * max(3, max((_longest_run(line) for line in body), default=0) + 1)
    return [f"{fence}text", *body, fence]


def details(summary: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>", ""]


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        lines.append(f"| … and {len(rows) - MAX_ROWS} more |" + " |" * (len(header) - 1))
    return lines


def _where(urn: str | None) -> str:
    return code(urn.rsplit("::", 1)[-1]) if urn else "stack"


def _mandatory(diagnostics: Iterable[Mapping[str, Any]]) -> list[str]:
    found = [d for d in diagnostics if d["enforcementLevel"] == "mandatory" and not d["deferred"]]
    if not found:
        return []
    rows = [[code(d["policy"]), _where(d["urn"]), text(violation_text(d))] for d in found]
    return [
        f"> [!CAUTION]\n> **{len(found)} mandatory policy violation(s)**: the update is blocked until they are fixed.",
        "",
        *table(["rule", "resource", "message"], rows),
        "",
    ]


def _policy_summary(summary: Mapping[str, Any]) -> str:
    if not summary["policiesRun"]:
        return "policies not run"
    mandatory, advisory = summary["mandatoryViolations"], summary["advisoryViolations"]
    if mandatory or advisory:
        verdict = (
            f"**{mandatory} mandatory** and {advisory} advisory violation(s)"
            if mandatory
            else f"{advisory} advisory violation(s)"
        )
    else:
        verdict = "no violations"
    deferred = (
        f" ({summary['deferredChecks']} checks deferred until values are known)" if summary["deferredChecks"] else ""
    )
    return f"{verdict}{deferred}"


def _cost_section(cost: Mapping[str, Any] | None) -> list[str]:
    if not cost:
        return []
    rows = [[text(i["service"]), text(i["description"]), usd(i["monthly"])] for i in cost["items"]]
    rows.append(["**total**", "estimate", f"**{usd(cost['monthly'])}**"])
    notes = [f"- {text(n)}" for n in [*cost["unpriced"], *cost["notes"]]]
    body = [
        *table(["service", "what", "per month"], rows),
        "",
        *notes,
        "",
        f"List prices of {text(cost['prices']['retrieved'])} from `{cost['prices']['file']}`: an estimate, not a bill.",
    ]
    return details(f"Cost estimate: ~{usd(cost['monthly'])}/month", body)


def render_plan(document: Mapping[str, Any]) -> str:
    s = document["summary"]
    cost = document.get("cost")
    head = (
        f"### Plan of `{text(document['stack'])}` ({s['phase']}): + {s['create']} to create · "
        f"{_policy_summary(s)}" + (f" · ~{usd(cost['monthly'])}/month" if cost else "")
    )
    lines = [head, ""]
    lines += _mandatory(document["diagnostics"])
    lines += details("Policy results by rule", fenced(policy_lines(document, 100, details=True)))
    lines += _cost_section(cost)
    lines += details(f"Resources ({s['resources']})", fenced(tree_lines(document, 0)))
    return "\n".join(lines).rstrip() + "\n"


def render_comparison(comparison: Mapping[str, Any], document: Mapping[str, Any]) -> str:
    """`comparison` (plan_compare.compare) with the head plan `document` for its policy results."""
    c = comparison
    s = c["head"]
    cost = c["cost"]
    money = f" · ~{usd(cost['after'])}/month ({signed_usd(cost['delta'])})" if cost else ""
    lines = [f"### `{text(c['stack'])}` ({c['phase']}): {headline(c)} · {_policy_summary(s)}{money}", ""]
    lines += _mandatory(document["diagnostics"])

    appeared, disappeared = c["policies"]["appeared"], c["policies"]["disappeared"]
    if c["policies"]["compared"] and (appeared or disappeared):
        rows = [
            [sign, code(d["policy"]), _level(d), _where(d["urn"]), text(_message(d))]
            for sign, group in (("appeared", appeared), ("disappeared", disappeared))
            for d in sorted(group, key=lambda d: (d["deferred"], d["enforcementLevel"] != "mandatory"))
        ]
        lines += details(
            f"Policy verdicts: {len(appeared)} appeared, {len(disappeared)} disappeared",
            table(["", "rule", "level", "resource", "message"], rows),
        )
    elif not c["policies"]["compared"]:
        lines += ["Policy verdicts not compared: a plan ran without the pack.", ""]

    r = c["resources"]
    rows = [["+", code(simplify_type(x["type"])), code(x["name"]), ""] for x in r["added"]]
    rows += [["-", code(simplify_type(x["type"])), code(x["name"]), ""] for x in r["removed"]]
    rows += [
        [
            "~",
            code(simplify_type(x["type"])),
            code(x["name"]),
            "<br>".join(text(describe_change(p)) for p in x["properties"]),
        ]
        for x in r["changed"]
    ]
    if rows:
        lines += details(f"Resource changes ({headline(c)})", table(["", "type", "name", "changed properties"], rows))
    else:
        lines += [f"No resource changes ({r['unchanged']} resources unchanged).", ""]
    if c["outputs"]:
        lines += details(
            f"Output changes ({len(c['outputs'])})",
            [f"- {text(describe_change({**o, 'path': o['name']}))}" for o in c["outputs"]],
        )
    if cost:
        rows = [
            [text(i["service"]), text(i["before"] or "none"), text(i["after"] or "none"), signed_usd(i["delta"])]
            for i in cost["items"]
        ]
        rows.append(["**total**", usd(cost["before"]), usd(cost["after"]), f"**{signed_usd(cost['delta'])}**"])
        body = [
            *table(["service", "before", "after", "per month"], rows),
            "",
            "An estimate from list prices (`ops/prices.json`).",
        ]
        lines += details(f"Cost: {signed_usd(cost['delta'])}/month (~{usd(cost['after'])}/month)", body)
    lines += details("Policy results of this plan, by rule", fenced(policy_lines(document, 100, details=True)))
    lines += details(f"All resources of this plan ({s['resources']})", fenced(tree_lines(document, 0)))
    return "\n".join(lines).rstrip() + "\n"


def _level(d: Mapping[str, Any]) -> str:
    return "deferred" if d["deferred"] else d["enforcementLevel"]


def _message(d: Mapping[str, Any]) -> str:
    return deferred_reason(d["message"]) if d["deferred"] else violation_text(d)
