"""The plan as text for a terminal: one line per resource, policy results grouped by rule, a summary.

About the size of `pulumi preview`; `--details` adds every input, placeholder and verdict. Every
line fits `width` columns (0: no limit): names are shortened in the middle, values wrapped.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ops.plan.cost import usd
from ops.plan.database import database_lines
from ops.plan.document import LEVEL_ORDER, STACK_TYPE, deferred_reason, simplify_type, split_message
from ops.shared.masks import MASKS
from ops.shared.text_layout import MIN_WIDTH, default_width, inline, shorten_name, shorten_type, wrap

VIOLATIONS_SHOWN = 5  # per rule, without --details


def tree_rows(document: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
    """(tree prefix + simplified type, name, flags, parent's name) per resource, in document order."""
    resources = document["resources"]
    names = {r["urn"]: r["name"] for r in resources}
    children: dict[str | None, list] = {}
    for r in resources:
        children.setdefault(r["parent"], []).append(r)
    rows: list[tuple[str, str, str]] = []

    def walk(parent: str | None, prefix: str, depth: int) -> None:
        kids = children.get(parent, [])
        for index, r in enumerate(kids):
            last = index == len(kids) - 1
            branch = "" if depth == 0 else ("└─ " if last else "├─ ")
            flags = " [protect]" if r["protect"] else ""
            rows.append((prefix + branch + simplify_type(r["type"]), r["name"], flags, names.get(r["parent"], "")))
            inner = "" if depth == 0 else prefix + ("   " if last else "│  ")
            walk(r["urn"], inner, depth + 1)

    walk(None, "", 0)
    return rows


def tree_lines(document: Mapping[str, Any], width: int, details_for=None) -> list[str]:
    """The resource table. `details_for(resource, indent)` may add lines under each resource."""
    rows = tree_rows(document)
    type_width = max(len(row[0]) for row in rows)
    name_width = max(len(row[1]) + len(row[2]) for row in rows)
    margin = 4  # " +  "
    available = width - margin - 2
    if width > 0 and type_width + name_width > available:
        # Share the room: neither column below half, unless the other needs less.
        type_width = min(type_width, max(available // 2, available - name_width))
        name_width = available - type_width
    lines = [f"    {'Type':<{type_width}}  Name"]
    by_position = list(document["resources"])
    for index, (type_label, name, flags, parent) in enumerate(rows):
        if width > 0:
            cell_type = shorten_type(type_label, type_width)
            cell_name = shorten_name(name, parent, name_width - len(flags)) + flags
        else:
            cell_type, cell_name = type_label, name + flags
        lines.append(f" +  {cell_type:<{type_width}}  {cell_name}".rstrip())
        if details_for is not None:
            lines += details_for(by_position[index], type_label)
    return lines


def _value_lines(key: str, value: Any, indent: str, width: int) -> list[str]:
    """`key: value`, nested mappings and lists one level per line, long scalars wrapped."""
    if isinstance(value, Mapping) and value:
        lines = [f"{indent}{key}:"]
        for k in value:
            lines += _value_lines(str(k), value[k], indent + "    ", width)
        return lines
    if isinstance(value, list) and value and any(isinstance(v, (Mapping, list)) for v in value):
        lines = [f"{indent}{key}:"]
        for i, v in enumerate(value):
            lines += _value_lines(f"[{i}]", v, indent + "    ", width)
        return lines
    return wrap(f"{key}: {inline(value)}", width, indent, indent + "    ")


def render_text(document: Mapping[str, Any], *, details: bool = False, width: int | None = None) -> str:
    width = default_width() if width is None else width
    if width > 0:
        width = max(width, MIN_WIDTH)
    doc = document
    verb = "Previewing" if doc["phase"] == "preview" else "Planning the update of"
    lines = wrap(f"{verb} stack {doc['stack']!r} offline (SDK mocks: no CLI, no credentials, no network)", width, "")
    lines.append("")

    by_urn: dict[str, list] = {}
    for d in doc["diagnostics"]:
        by_urn.setdefault(d["urn"] or "", []).append(d)

    def details_for(resource: Mapping[str, Any], type_label: str) -> list[str]:
        indent = "    " + _continuation(type_label) + "      "
        extra: list[str] = []
        for key, value in resource["inputs"].items():
            extra += _value_lines(key, value, indent, width)
        if resource["type"] != STACK_TYPE:
            for d in by_urn.get(resource["urn"], []):
                extra += wrap(_verdict(d), width, indent, indent + "    ")
        return extra

    lines += tree_lines(doc, width, details_for if details else None)
    lines.append("")
    database = database_lines(doc, width)
    if database:
        lines += [*database, ""]
    lines += policy_lines(doc, width, details=details)
    lines.append("")
    lines.append(f"Outputs ({len(doc['outputs'])}):")
    lines += output_lines(doc["outputs"], width, details=details)
    if doc["warnings"]:
        lines += ["", "Warnings:"]
        for warning in doc["warnings"]:
            lines += wrap(warning, width, "    ", "      ")
    if details and doc["placeholders"]:
        lines += ["", "Placeholders (invokes answered by the offline plan, not by the cloud):"]
        for p in doc["placeholders"]:
            lines += wrap(f"{p['invoke']}: {inline(p['result'])}", width, "    ", "        ")
    lines.append("")
    lines += summary_lines(doc, width, details=details)
    return "\n".join(lines)


def output_lines(outputs: Mapping[str, Any], width: int, *, details: bool = False) -> list[str]:
    """One line per output; without details the masked ones are grouped (`[unknown]: a, b, c`)."""
    lines: list[str] = []
    grouped = {mask: [k for k, v in outputs.items() if v == mask] for mask in MASKS} if not details else {}
    for mask, keys in grouped.items():
        if keys:
            lines += wrap(f"{mask}: {', '.join(keys)}", width, "    ", "        ")
    for key, value in outputs.items():
        if not any(key in keys for keys in grouped.values()):
            lines += wrap(f"{key}: {inline(value)}", width, "    ", "        ")
    return lines


def _continuation(type_label: str) -> str:
    """The tree's vertical bars under a row, for the lines that belong to it."""
    prefix = type_label[: len(type_label) - len(type_label.lstrip("│├└─ "))]
    return prefix.replace("├─", "│ ").replace("└─", "  ")


def _verdict(d: Mapping[str, Any]) -> str:
    # The pack sends "description\nmessage"; one line per verdict.
    message = d["message"].replace("\n", ": ")
    if d["deferred"]:
        return f"DEFERRED [{d['policy']}] {deferred_reason(message)}"
    return f"{d['enforcementLevel'].upper()} [{d['policy']}] {message}"


def policy_lines(document: Mapping[str, Any], width: int, *, details: bool = False) -> list[str]:
    """Policy results grouped by rule: violations (mandatory first), deferred checks, passed rules."""
    policies = document["policies"]
    if not policies["ran"]:
        return ["Policies: not run (--no-policies): no rule of the pack has judged this plan"]
    rules = policies["rules"]
    lines = wrap(f"Policies ({policies['pack']}, {len(rules)} rules), by rule:", width, "", "    ")
    diagnostics = document["diagnostics"]
    violated = [r for r in rules if r["verdict"] == "violated"]
    violated.sort(key=lambda r: (min(_levels(diagnostics, r["name"])), r["name"]))
    for rule in violated:
        found = [d for d in diagnostics if d["policy"] == rule["name"] and not d["deferred"]]
        found.sort(key=lambda d: LEVEL_ORDER.get(d["enforcementLevel"], 9))
        level = found[0]["enforcementLevel"].upper()
        description = rule["description"] or split_message(found[0]["message"])[0]
        lines += wrap(f"{level} [{rule['name']}] {len(found)} violation(s): {description}", width, "  ", "      ")
        shown = found if details else found[:VIOLATIONS_SHOWN]
        for d in shown:
            lines += wrap(violation_text(d), width, "      ", "        ")
        if len(found) > len(shown):
            lines.append(f"      … and {len(found) - len(shown)} more (--details lists every one)")
    deferred_rules = [r for r in rules if r["deferred"]]
    if deferred_rules:
        lines.append("  deferred until values are known (not violations; the update enforces them):")
        for rule in deferred_rules:
            lines += wrap(f"{rule['name']}: {rule['deferred']} resource(s)", width, "    ", "        ")
    passed = [r["name"] for r in rules if r["verdict"] == "passed"]
    if passed and details:
        lines += wrap(f"passed: {', '.join(passed)}", width, "  ", "      ")
    elif passed:
        lines.append(f"  passed: {len(passed)} rule(s) (--details names them)")
    disabled = [r["name"] for r in rules if r["verdict"] == "disabled"]
    if disabled:
        lines += wrap(f"disabled: {', '.join(disabled)}", width, "  ", "      ")
    return lines


def violation_text(d: Mapping[str, Any]) -> str:
    """What is wrong, naming the resource once (the pack's messages usually name it already)."""
    detail = split_message(d["message"])[1].replace("\n", " ")
    name = d["urn"].rsplit("::", 1)[-1] if d["urn"] else "stack"
    return detail if f'"{name}"' in detail else f"{name}: {detail}"


def _levels(diagnostics: Iterable[Mapping[str, Any]], rule: str) -> list[int]:
    return [LEVEL_ORDER.get(d["enforcementLevel"], 9) for d in diagnostics if d["policy"] == rule and not d["deferred"]]


def cost_line(document: Mapping[str, Any]) -> str:
    cost = document.get("cost")
    if not cost:
        return "Cost: not estimated"
    by_service: dict[str, float] = {}
    for item in cost["items"]:
        by_service[item["service"]] = by_service.get(item["service"], 0.0) + item["monthly"]
    paid = [f"{service} {usd(amount)}" for service, amount in sorted(by_service.items()) if amount]
    free = ["free tiers $0.00"] if any(not amount for amount in by_service.values()) else []
    parts = ", ".join(paid + free)
    incomplete = f"; {len(cost['unpriced'])} item(s) not priced" if cost["unpriced"] else ""
    return (
        f"Cost: ~{usd(cost['monthly'])}/month estimated ({parts}; prices of {cost['prices']['retrieved']}){incomplete}"
    )


def summary_lines(document: Mapping[str, Any], width: int, *, details: bool = False) -> list[str]:
    s = document["summary"]
    lines = [f"Resources: + {s['create']} to create ({s['phase']})"]
    if s["policiesRun"]:
        violations = s["mandatoryViolations"] + s["advisoryViolations"]
        verdict = (
            f"{s['mandatoryViolations']} MANDATORY and {s['advisoryViolations']} advisory violation(s)"
            if violations
            else "no violations"
        )
        deferred = (
            f"; {s['deferredChecks']} check(s) of {len(s['deferredRules'])} rule(s) deferred until values are known"
            if s["deferredChecks"]
            else ""
        )
        lines += wrap(f"Policies: {verdict}{deferred}; {s['rulesPassed']} rule(s) passed", width, "", "    ")
    else:
        lines.append("Policies: not run (--no-policies)")
    lines += wrap(cost_line(document), width, "", "    ")
    cost = document.get("cost") or {}
    for note in [*cost.get("unpriced", []), *(cost.get("notes", []) if details else [])]:
        lines += wrap(note, width, "    ", "      ")
    if cost.get("notes") and not details:
        lines.append(f"    {len(cost['notes'])} note(s) on the estimate: --details")
    if s["placeholders"]:
        invokes = ", ".join(p["invoke"].rsplit(":", 1)[-1] for p in document["placeholders"])
        lines += wrap(
            f"Placeholders: {s['placeholders']} invoke answer(s) made up offline ({invokes})",
            width,
            "",
            "    ",
        )
    return lines
