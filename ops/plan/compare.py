"""What a change does: a base plan document against the head's.

Resources added, removed and changed (with the changed property paths), outputs, the policy
verdicts that appeared or disappeared, and the cost delta. A secret is reported as changed
without a value on either side: the documents hold only `[secret]`, and a value that was plain
in the base is not shown once it became a secret (the leak `pulumi preview --diff` has).
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from ops.plan.cost import signed_usd, usd
from ops.plan.document import SCHEMA_VERSION, deferred_reason, simplify_type, tree_order
from ops.plan.render import violation_text
from ops.shared.errors import UsageError
from ops.shared.masks import SECRET_MASK
from ops.shared.text_layout import default_width, inline, wrap

_ABSENT = object()


def flatten(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Leaf paths of a value: `serviceDetails.plan`, `parameters[1].value`. A secret is one leaf."""
    if isinstance(value, Mapping) and value:
        for key in value:
            yield from flatten(value[key], f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from flatten(item, f"{path}[{index}]")
    else:
        yield path, value


def property_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    old, new = dict(flatten(before)), dict(flatten(after))
    changes = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path, _ABSENT), new.get(path, _ABSENT)
        if a == b:
            continue
        secret = SECRET_MASK in (a, b)
        change: dict[str, Any] = {"path": path, "secret": secret}
        if not secret:
            change["before"] = None if a is _ABSENT else a
            change["after"] = None if b is _ABSENT else b
        change["kind"] = "added" if a is _ABSENT else "removed" if b is _ABSENT else "changed"
        changes.append(change)
    return changes


def _brief(resource: Mapping[str, Any]) -> dict[str, Any]:
    return {"urn": resource["urn"], "type": resource["type"], "name": resource["name"]}


def _verdict_key(d: Mapping[str, Any]) -> tuple:
    return (d["policy"], d["urn"] or "", d["enforcementLevel"], d["deferred"], d["message"])


def compare(base: Mapping[str, Any], head: Mapping[str, Any]) -> dict[str, Any]:
    if base["stack"] != head["stack"]:
        raise UsageError(f"the base plan is of stack {base['stack']!r}, this one of {head['stack']!r}")
    if base["phase"] != head["phase"]:
        raise UsageError(f"the base plan is a {base['phase']}, this one a {head['phase']}: compare like with like")

    old = {r["urn"]: r for r in base["resources"]}
    new = {r["urn"]: r for r in head["resources"]}
    added = [_brief(r) for r in tree_order(head["resources"]) if r["urn"] not in old]
    removed = [_brief(r) for r in tree_order(base["resources"]) if r["urn"] not in new]
    changed = []
    for r in tree_order(head["resources"]):
        if r["urn"] in old:
            before = old[r["urn"]]
            properties = property_changes(before["inputs"], r["inputs"])
            if before["protect"] != r["protect"]:
                properties.append(
                    {
                        "path": "(protect)",
                        "secret": False,
                        "kind": "changed",
                        "before": before["protect"],
                        "after": r["protect"],
                    }
                )
            if properties:
                changed.append({**_brief(r), "properties": properties})

    outputs = property_changes(base["outputs"], head["outputs"])
    output_changes = [{"name": c["path"], **{k: v for k, v in c.items() if k != "path"}} for c in outputs]

    both_ran = base["policies"]["ran"] and head["policies"]["ran"]
    appeared = disappeared = []
    if both_ran:
        before_verdicts = {_verdict_key(d): d for d in base["diagnostics"]}
        after_verdicts = {_verdict_key(d): d for d in head["diagnostics"]}
        appeared = [after_verdicts[k] for k in sorted(set(after_verdicts) - set(before_verdicts))]
        disappeared = [before_verdicts[k] for k in sorted(set(before_verdicts) - set(after_verdicts))]

    cost = _cost_delta(base.get("cost"), head.get("cost"))
    comparison = {
        "schemaVersion": SCHEMA_VERSION,
        "comparison": True,
        "project": head["project"],
        "stack": head["stack"],
        "phase": head["phase"],
        "resources": {
            "added": added,
            "removed": removed,
            "changed": changed,
            "unchanged": len(new) - len(added) - len(changed),
        },
        "outputs": output_changes,
        "policies": {
            "compared": both_ran,
            "baseRan": base["policies"]["ran"],
            "headRan": head["policies"]["ran"],
            "appeared": appeared,
            "disappeared": disappeared,
        },
        "cost": cost,
        "head": head["summary"],
    }
    return comparison


def _cost_delta(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not base or not head:
        return None
    before = {i["key"]: i for i in base["items"]}
    after = {i["key"]: i for i in head["items"]}
    items = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        old_amount, new_amount = (a or {}).get("monthly", 0.0), (b or {}).get("monthly", 0.0)
        if a and b and a["description"] == b["description"] and old_amount == new_amount:
            continue
        items.append(
            {
                "key": key,
                "service": (b or a)["service"],
                "before": a["description"] if a else None,
                "after": b["description"] if b else None,
                "delta": round(new_amount - old_amount, 2),
            }
        )
    return {
        "currency": head["currency"],
        "before": base["monthly"],
        "after": head["monthly"],
        "delta": round(head["monthly"] - base["monthly"], 2),
        "items": items,
        "complete": base["complete"] and head["complete"],
    }


def headline(comparison: Mapping[str, Any]) -> str:
    """`1 changed, 0 added, 0 removed`: what this change does to the stack's resources."""
    r = comparison["resources"]
    return f"{len(r['changed'])} changed, {len(r['added'])} added, {len(r['removed'])} removed"


def cost_text(comparison: Mapping[str, Any]) -> str:
    cost = comparison["cost"]
    if not cost:
        return "Cost: not compared (a plan without an estimate)"
    return (
        f"Cost: ~{usd(cost['after'])}/month estimated, {signed_usd(cost['delta'])}/month (was ~{usd(cost['before'])})"
    )


def describe_change(change: Mapping[str, Any]) -> str:
    if change["secret"]:
        return f"{change['path']}: {SECRET_MASK} (changed; values not shown)"
    if change["kind"] == "added":
        return f"{change['path']}: + {inline(change['after'])}"
    if change["kind"] == "removed":
        return f"{change['path']}: - {inline(change['before'])}"
    return f"{change['path']}: {inline(change['before'])} => {inline(change['after'])}"


def verdict_text(d: Mapping[str, Any]) -> str:
    if d["deferred"]:
        return f"deferred [{d['policy']}] {deferred_reason(d['message'])}"
    return f"{d['enforcementLevel'].upper()} [{d['policy']}] {violation_text(d)}"


def render_text(comparison: Mapping[str, Any], *, details: bool = False, width: int | None = None) -> str:
    width = default_width() if width is None else width
    c = comparison
    lines = wrap(f"Stack {c['stack']!r} ({c['phase']}) against the base plan: {headline(c)}", width, "")
    lines.append("")
    for sign, key in (("+", "added"), ("-", "removed")):
        for r in c["resources"][key]:
            lines += wrap(f"{sign} {simplify_type(r['type'])}  {r['name']}", width, " ", "     ")
    for r in c["resources"]["changed"]:
        names = ", ".join(p["path"] for p in r["properties"])
        lines += wrap(f"~ {simplify_type(r['type'])}  {r['name']}: {names}", width, " ", "     ")
        if details:
            for p in r["properties"]:
                lines += wrap(describe_change(p), width, "       ", "         ")
    if not any(c["resources"][k] for k in ("added", "removed", "changed")):
        lines.append("  no resource changes")
    if c["outputs"]:
        lines += ["", "Outputs:"]
        for o in c["outputs"]:
            lines += wrap(describe_change({**o, "path": o["name"]}), width, "  ~ ", "      ")
    lines.append("")
    lines += _policy_lines(c, width)
    lines.append("")
    lines += wrap(cost_text(c), width, "", "    ")
    for item in (c["cost"] or {}).get("items", []):
        lines += wrap(_cost_item(item), width, "    ", "      ")
    return "\n".join(lines)


def _policy_lines(c: Mapping[str, Any], width: int) -> list[str]:
    p = c["policies"]
    if not p["compared"]:
        missing = "the base plan" if not p["baseRan"] else "this plan"
        return [f"Policies: not compared ({missing} ran without the pack)"]
    if not p["appeared"] and not p["disappeared"]:
        return ["Policies: no verdict appeared or disappeared"]
    lines = [f"Policies: {len(p['appeared'])} verdict(s) appeared, {len(p['disappeared'])} disappeared"]
    for sign, key in (("+", "appeared"), ("-", "disappeared")):
        for d in sorted(p[key], key=lambda d: (d["deferred"], d["enforcementLevel"] != "mandatory")):
            lines += wrap(verdict_text(d), width, f"  {sign} ", "      ")
    return lines


def _cost_item(item: Mapping[str, Any]) -> str:
    before, after = item["before"] or "none", item["after"] or "none"
    return f"{item['service']}: {before} => {after} ({signed_usd(item['delta'])})"
