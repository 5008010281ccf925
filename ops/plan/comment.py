"""The one pull-request comment, composed from data: the real `pulumi preview`'s summary, then the offline plan.

Run by plan-comment.yml's poster from the default branch with the runner's own python3, so it uses the
standard library only and imports nothing of the project:

    python3 -I ops/plan/comment.py PLAN_DIR [PREVIEW.txt] [--preview fork|pending|failed] [--head-sha SHA]

Everything it reads was produced by the pull request's code (ci.yml and preview.yml run it), forks included, so it
is data and never markup. PLAN_DIR is ci.yml's artifact: `plan-STACK.json` (`ops plan STACK --json`) and, when
the base branch could be planned, `compare-STACK.json` (`--compare BASE --json`) for staging and production. Each
is validated against plan.schema.json (beside this file) before a number of it is used; the headings, tables and
folds are this file's own, and every string of a document appears only as an inline code span that no backtick,
pipe or line break inside it can leave, with `@` defused. PREVIEW.txt (`pulumi preview -s staging`, as preview.yml
captured it) goes into a fenced block longer than any backtick run in it. Without it, `--preview` says why, as the
poster found it: `fork` (the default: a fork's PR gets no secrets), `pending` (its run has not finished: the comment
is edited when it does) or `failed` (it ended without output). The summary comes first and is never cut: the
marker, the preview's "Resources:" and "Policies:" sections, each stack's headline and mandatory violations. Only
the details after it are left out, whole tables at a time, to stay under GitHub's 65,536-character limit.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

try:  # a module of the project (tests, `python -m`)
    from ops.plan.schema_check import Invalid, read_document, same
except ImportError:  # the poster's `python3 -I trusted/ops/plan/comment.py`: only its folder, checked out from main
    sys.path.insert(0, str(Path(__file__).parent))
    from schema_check import Invalid, read_document, same  # type: ignore[no-redef]

MARKER = "<!-- kitchen-kontrol-plan -->"
GITHUB_LIMIT = 65_536
BUDGET = 60_000  # below the limit, with room for the closing lines
POLICY_BUDGET = 12_000  # a preview full of violations still leaves room for the plan's headlines
RESOURCES_BUDGET = 4_000  # the preview's "Resources:" counts are a few lines
PREVIEW_BYTES = 1_000_000  # of the preview's text read at most
MAX_CELL = 160  # characters of one value shown in a cell
MAX_ROWS = 60  # rows of one table (a stack has ~50 resources)
MAX_VIOLATIONS = 10  # mandatory violations listed in the summary
STACKS = ("staging", "production")
SCHEMA = Path(__file__).with_name("plan.schema.json")
CUT = "(cut to fit a comment: the full plans are in the ci run's log, the preview in its run)"
NO_PREVIEW = (
    "> [!NOTE]\n> No `pulumi preview` ran for this pull request: it comes from a fork, which gets no secrets. "
    "Below is the offline plan alone (`ops plan` under the SDK's mocks)."
)
PREVIEW_PENDING = (
    "> [!NOTE]\n> `pulumi preview -s staging` is still running: this comment will be edited when it finishes. "
    "Below is the offline plan (`ops plan` under the SDK's mocks)."
)
PREVIEW_FAILED = (
    "> [!WARNING]\n> `pulumi preview -s staging` ended without output (a policy violation or a program error): "
    "its log in the preview run says why. Below is the offline plan (`ops plan` under the SDK's mocks)."
)
MISSING = {"fork": NO_PREVIEW, "pending": PREVIEW_PENDING, "failed": PREVIEW_FAILED}
PROVENANCE = (
    "The offline plan is what this pull request's own code computed (`python -m ops plan` under the SDK's mocks, "
    "no credentials, in the ci run); this comment shows its numbers and vouches for none of them. "
    "Costs are estimates from list prices."
)


# --- text from a document: inert ------------------------------------------------------------------------------


def defused(text: str) -> str:
    """No @mention, no line break: a zero-width space after every `@`, line breaks as spaces."""
    return re.sub(r"[\r\n\u2028\u2029]+", " ", text).replace("@", "@\u200b")


def inert(value: Any, limit: int = MAX_CELL) -> str:
    """A value as an inline code span: nothing inside it is markup, a link or a mention, or a table's cell border."""
    raw = defused(value if isinstance(value, str) else json.dumps(value))
    raw = raw if len(raw) <= limit else raw[: limit - 1] + "…"
    raw = raw.replace("|", "\u00a6")  # ¦: a table splits its rows on pipes, escaped or not, in some renderers
    fence = "`" * (max((len(run) for run in re.findall(r"`+", raw)), default=0) + 1)
    pad = " " if raw.startswith(("`", " ")) or raw.endswith(("`", " ")) or not raw else ""
    return f"{fence}{pad}{raw}{pad}{fence}"


def fenced(text: str) -> str:
    """A fenced block of free text: its fence is longer than any backtick run inside, so the text cannot close it."""
    text = "\n".join(line.replace("@", "@\u200b") for line in text.splitlines())
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence}text\n{text}\n{fence}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        lines.append(f"| … and {len(rows) - MAX_ROWS} more (see the ci run) |" + " |" * (len(header) - 1))
    return "\n".join(lines)


def usd(amount: float) -> str:
    return f"{'-' if amount < 0 else ''}${abs(amount):,.2f}"


class StackPlan:
    """One stack's validated plan (and comparison with the base), or the reason there is none to show."""

    def __init__(self, stack: str, plan: dict | None = None, comparison: dict | None = None, problem: str = ""):
        self.stack, self.plan, self.comparison, self.problem = stack, plan, comparison, problem
        self.note = ""


def load(directory: Path, schema: dict | None = None) -> list[StackPlan]:
    """Each stack's documents from ci.yml's artifact; a stack's plan that is missing or not valid is a problem."""
    schema = schema if schema is not None else json.loads(SCHEMA.read_text(encoding="utf-8"))
    found = []
    for stack in STACKS:
        plan_file, compare_file = directory / f"plan-{stack}.json", directory / f"compare-{stack}.json"
        if not plan_file.is_file():
            found.append(StackPlan(stack, problem="the artifact holds no plan of it (ci stopped before: see its run)"))
            continue
        try:
            plan = read_document(plan_file, schema)
        except Invalid as exc:
            found.append(
                StackPlan(stack, problem=f"its plan is not a valid plan document: {inert(exc.where)} {exc.why}")
            )
            continue
        if "comparison" in plan or plan["stack"] != stack:
            found.append(StackPlan(stack, problem="its plan file holds another stack's plan, or a comparison"))
            continue
        entry = StackPlan(stack, plan)
        if compare_file.is_file():
            try:
                comparison = read_document(compare_file, schema)
            except Invalid as exc:
                entry.note = f"The comparison with the base is not a valid document ({inert(exc.where)} {exc.why})"
            else:
                if (
                    comparison.get("comparison") is True
                    and comparison["stack"] == stack
                    and same(comparison["head"], plan["summary"])
                ):
                    entry.comparison = comparison
                else:
                    entry.note = "The comparison with the base is not of this plan"
            entry.note += ": this is the branch's plan alone." if entry.note else ""
        else:
            entry.note = "No plan of the base branch could be compared: this is the branch's plan alone."
        found.append(entry)
    return found


# --- the comment: this file's markup around validated data ------------------------------------------------------


def section(preview: str, title: str) -> list[str]:
    """The lines of a section of the CLI's text ("Resources:", "Policies:"), up to the blank line ending it."""
    lines = preview.splitlines()
    if title not in lines:
        return []
    start = lines.index(title)
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def preview_summary(preview: str | None, missing: str = "fork") -> str:
    if preview is None:
        return MISSING[missing]
    policies = "\n".join(section(preview, "Policies:"))
    if len(policies) > POLICY_BUDGET:
        policies = policies[:POLICY_BUDGET].rsplit("\n", 1)[0] + "\n    … (cut: see the preview run)"
    resources = "\n".join(section(preview, "Resources:"))[:RESOURCES_BUDGET]
    resources = resources or "Resources: the preview did not finish (see its run)"
    text = f"{resources}\n\n{policies}".rstrip()
    return f"### `pulumi preview -s staging` (real engine, with the policy pack)\n\n{fenced(text)}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def headline(entry: StackPlan) -> str:
    title = f"### Offline plan of `{entry.stack}`"
    if entry.plan is None:
        return f"{title}: not shown\n\n> [!WARNING]\n> Not shown: {entry.problem}."
    summary, comparison = entry.plan["summary"], entry.comparison
    if comparison:
        r = comparison["resources"]
        parts = [f"{len(r['changed'])} changed, {len(r['added'])} added, {len(r['removed'])} removed"]
    else:
        parts = [f"{_count(summary['resources'], 'resource')} (not compared with the base)"]
    if not summary["policiesRun"]:
        parts.append("the policy pack did not run")
    else:
        mandatory = summary["mandatoryViolations"]
        parts.append(f"{_count(mandatory, 'mandatory violation')}" if mandatory else "no mandatory violations")
        if summary["advisoryViolations"]:
            parts.append(_count(summary["advisoryViolations"], "advisory violation"))
    if summary["monthlyCost"] is not None:
        delta = comparison["cost"]["delta"] if comparison and comparison["cost"] else None
        parts.append(
            f"~{usd(summary['monthlyCost'])}/month"
            + (f" ({'+' if delta >= 0 else ''}{usd(delta)})" if delta is not None else "")
        )
    lines = [f"{title} ({summary['phase']}): " + " · ".join(parts)]
    found = [d for d in entry.plan["diagnostics"] if d["enforcementLevel"] == "mandatory" and not d["deferred"]]
    if found:
        rows = [[inert(d["policy"]), _where(d["urn"]), inert(d["message"])] for d in found[:MAX_VIOLATIONS]]
        more = f"\n\n… and {len(found) - MAX_VIOLATIONS} more (see the ci run)" if len(found) > MAX_VIOLATIONS else ""
        lines += [
            "",
            "> [!CAUTION]",
            "> Mandatory policy violations block the update:",
            "",
            table(["rule", "resource", "message"], rows) + more,
        ]
    return "\n".join(lines)


def _where(urn: str | None) -> str:
    return inert(urn.rsplit("::", 1)[-1]) if urn else "the stack"


def detail_blocks(entry: StackPlan) -> list[str]:
    """The tables of one stack's details, each complete on its own (the budget leaves out whole tables)."""
    if entry.plan is None:
        return []
    blocks = [entry.note] if entry.note else []
    comparison = entry.comparison
    if comparison:
        r = comparison["resources"]
        rows = [["added", inert(x["type"]), inert(x["name"]), ""] for x in r["added"]]
        rows += [["removed", inert(x["type"]), inert(x["name"]), ""] for x in r["removed"]]
        for x in r["changed"]:
            paths = [c.get("path", c.get("name", "")) + (" (secret)" if c["secret"] else "") for c in x["properties"]]
            rows.append(["changed", inert(x["type"]), inert(x["name"]), inert(", ".join(paths))])
        blocks.append(
            f"**Resources** ({r['unchanged']} unchanged)\n\n" + table(["change", "type", "name", "properties"], rows)
            if rows
            else f"**Resources**: none changed ({r['unchanged']} unchanged)."
        )
        if comparison["outputs"]:
            rows = [
                [inert(c.get("name", c.get("path", ""))), c["kind"] + (" (secret)" if c["secret"] else "")]
                for c in comparison["outputs"]
            ]
            blocks.append("**Stack outputs**\n\n" + table(["output", "change"], rows))
        verdicts = [("appeared", d) for d in comparison["policies"]["appeared"]]
        verdicts += [("gone", d) for d in comparison["policies"]["disappeared"]]
        if verdicts:
            rows = [
                [w, inert(d["policy"]), d["enforcementLevel"], _where(d["urn"]), inert(d["message"])]
                for w, d in verdicts
            ]
            blocks.append(
                "**Policy verdicts against the base**\n\n" + table(["", "rule", "level", "resource", "message"], rows)
            )
        if comparison["cost"] and comparison["cost"]["items"]:
            rows = [
                [inert(i["key"]), inert(i["before"] or "—"), inert(i["after"] or "—"), usd(i["delta"])]
                for i in comparison["cost"]["items"]
            ]
            blocks.append(
                "**Cost against the base** (per month)\n\n" + table(["item", "before", "after", "delta"], rows)
            )
    else:
        rows = [
            [inert(x["type"]), inert(x["name"]), "yes" if x["protect"] else "no"]
            for x in entry.plan["resources"]
            if x["custom"]
        ]
        blocks.append("**Resources**\n\n" + table(["type", "name", "protected"], rows))
    rules = [x for x in entry.plan["policies"]["rules"] if x["verdict"] in ("violated", "deferred")]
    if rules:
        rows = [
            [inert(x["name"]), x["enforcementLevel"], x["verdict"], str(x["violations"]), str(x["deferred"])]
            for x in rules
        ]
        blocks.append(
            "**Policy rules not passed outright**\n\n"
            + table(["rule", "level", "verdict", "violations", "deferred"], rows)
        )
    return blocks


def compose(stacks: list[StackPlan], preview: str | None, missing: str = "fork", head_sha: str = "") -> str:
    sha = f" (`{head_sha[:12]}`)" if re.fullmatch(r"[0-9a-f]{40}", head_sha) else ""
    parts = [MARKER, "## Plan of this pull request", preview_summary(preview, missing)]
    parts += [headline(entry) for entry in stacks]
    summary = "\n\n".join(parts)
    closing = PROVENANCE.replace("in the ci run)", f"in the ci run{sha})")
    room = BUDGET - len(summary) - len(closing) - len(CUT) - 200
    details: list[str] = []
    cut = False
    for entry in stacks:
        blocks = detail_blocks(entry)
        fold_open = f"<details><summary>Offline plan of {entry.stack}: changes, cost, policy verdicts</summary>"
        kept = []
        for block in blocks:
            if cut or len(block) + 4 > room - len(fold_open) - 20:
                cut = True
                break
            kept.append(block)
            room -= len(block) + 4
        if kept:
            details.append("\n\n".join([fold_open, *kept, "</details>"]))
            room -= len(fold_open) + 20
    if cut:
        details.append(CUT)
    return "\n\n".join([summary, *details, closing]) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="comment.py", description="Compose the one PR comment.")
    parser.add_argument("plans", type=Path, help="ci.yml's artifact: plan-STACK.json and compare-STACK.json")
    parser.add_argument("preview_file", type=Path, nargs="?", help="the text of `pulumi preview` (preview.yml's)")
    parser.add_argument("--preview", choices=sorted(MISSING), default="fork", help="why there is no preview text")
    parser.add_argument("--head-sha", default="", help="the commit ci ran on (from the workflow_run event)")
    args = parser.parse_args(argv[1:])
    file = args.preview_file
    preview = None
    if file and file.is_file():
        with file.open(encoding="utf-8", errors="replace") as text:
            preview = text.read(PREVIEW_BYTES)
    stacks = load(args.plans)
    sys.stdout.write(compose(stacks, preview if preview and preview.strip() else None, args.preview, args.head_sha))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
