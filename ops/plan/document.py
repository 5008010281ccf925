"""The plan as one deterministic document: what `--json` prints and every other view reads.

Resources in tree order (a parent before its children, siblings by URN), the stack itself
first; mappings with sorted keys; secrets and unknowns masked; policy results with each rule's
verdict. The same inputs give the same bytes. `ops/plan/plan.schema.json` documents the shape and
`SCHEMA_VERSION` changes whenever a consumer would have to.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping

from ops.plan.cost import estimate
from ops.program.verdicts import NOTES_POLICY, deferred_note, rule_of
from ops.shared.errors import UsageError
from ops.shared.masks import mask

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("plan.schema.json")
STACK_TYPE = "pulumi:pulumi:Stack"
LEVEL_ORDER = {"mandatory": 0, "remediate": 1, "advisory": 2, "disabled": 3}


def deferred_reason(message: str) -> str:
    """The note without the description line: `RULE: N resources have values known only during the update; …`."""
    return split_message(message)[1]


def deferred_count(d: Mapping[str, Any]) -> int:
    """How many resources a deferred diagnostic stands for."""
    note = deferred_note(NOTES_POLICY, d["message"]) if d["deferred"] else None
    return note[1] if note else 0


def split_message(message: str) -> tuple[str, str]:
    """The pack sends `description\nwhat is wrong`; (description, what is wrong)."""
    description, _, detail = message.partition("\n")
    return (description, detail) if detail else ("", description)


def simplify_type(type_: str) -> str:
    """`aws:rds/instance:Instance` -> `aws:rds:Instance`, as `pulumi preview` displays types."""
    parts = type_.split(":")
    if len(parts) != 3 or not parts[2]:
        return type_
    package, module, name = parts
    tail = "/" + name[0].lower() + name[1:]
    if module.endswith(tail):
        return f"{package}:{module[: -len(tail)]}:{name}"
    return type_


def tree_order(resources: Iterable[Mapping[str, Any]], root: str | None = None) -> list[Mapping[str, Any]]:
    """Depth first from the stack; siblings by URN; orphans (parent not in the plan) last, by URN."""
    resources = list(resources)
    children: dict[str | None, list] = {}
    for resource in resources:
        children.setdefault(resource.get("parent"), []).append(resource)
    for siblings in children.values():
        siblings.sort(key=lambda r: r["urn"])
    ordered: list[Mapping[str, Any]] = []
    seen: set[str] = set()

    def walk(parent: str | None) -> None:
        for resource in children.get(parent, []):
            if resource["urn"] not in seen:
                seen.add(resource["urn"])
                ordered.append(resource)
                walk(resource["urn"])

    walk(root)
    for resource in sorted(resources, key=lambda r: r["urn"]):
        if resource["urn"] not in seen:
            seen.add(resource["urn"])
            ordered.append(resource)
            walk(resource["urn"])
    return ordered


def canonical(value: Any) -> Any:
    """Mappings with sorted keys, all the way down, so serialisation never depends on arrival order."""
    if isinstance(value, Mapping):
        return {str(k): canonical(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


def document(result) -> dict[str, Any]:
    """PlanResult -> document (see plan.schema.json), its cost estimate and summary included."""
    project = result.stack_urn.split("::")[1]
    stack_name = result.stack_urn.rsplit("::", 1)[1]
    rows = [
        {
            "urn": result.stack_urn,
            "type": STACK_TYPE,
            "name": stack_name,
            "parent": None,
            "custom": False,
            "protect": False,
            "inputs": {},
        }
    ]
    rows += [
        {
            "urn": r.urn,
            "type": r.type,
            "name": r.name,
            "parent": r.parent or result.stack_urn,
            "custom": r.custom,
            "protect": r.protect,
            "inputs": canonical(mask(r.inputs, result.redact)) if r.custom else {},
        }
        for r in result.resources
    ]
    rows = tree_order(rows)
    position = {row["urn"]: index for index, row in enumerate(rows)}

    diagnostics = [_diagnostic(d) for d in result.diagnostics]
    diagnostics.sort(key=lambda d: (position.get(d["urn"] or "", 0), d["policy"], d["message"]))
    policies = _policies(result, diagnostics)
    placeholders = sorted(
        ({"invoke": i.token, "result": canonical(mask(i.result, result.redact))} for i in result.invocations),
        key=lambda p: (p["invoke"], json.dumps(p["result"], sort_keys=True)),
    )
    unique_placeholders = [p for i, p in enumerate(placeholders) if i == 0 or p != placeholders[i - 1]]
    doc: dict[str, Any] = {
        "schemaVersion": SCHEMA_VERSION,
        "project": project,
        "stack": result.stack,
        "phase": "preview" if result.preview else "update",
        "resources": rows,
        "outputs": canonical(mask(result.outputs, result.redact)),
        "placeholders": unique_placeholders,
        "warnings": sorted(set(result.warnings)),
        "policies": policies,
        "diagnostics": diagnostics,
        "cost": canonical(estimate(rows, result.aws_region)),
    }
    doc["summary"] = summarize(doc)
    return doc


def _diagnostic(d) -> dict[str, Any]:
    return {
        "policy": rule_of(d.policy_name, d.message),
        "enforcementLevel": d.enforcement_level,
        "severity": d.severity,
        "urn": d.urn or None,
        "deferred": deferred_note(d.policy_name, d.message) is not None,
        "message": d.message,
    }


def _policies(result, diagnostics: list[dict[str, Any]]) -> dict[str, Any]:
    if not result.policies_ran:
        return {"ran": False, "pack": None, "rules": []}
    rules = []
    for rule in sorted(result.policy_rules, key=lambda r: r["name"]):
        mine = [d for d in diagnostics if d["policy"] == rule["name"]]
        violations = [d for d in mine if not d["deferred"]]
        deferred = [d for d in mine if d["deferred"]]
        if violations:
            verdict = "violated"
        elif deferred:
            verdict = "deferred"
        elif rule["enforcementLevel"] == "disabled":
            verdict = "disabled"
        else:
            verdict = "passed"
        deferred_resources = sum(deferred_count(d) for d in deferred)
        rules.append({**rule, "verdict": verdict, "violations": len(violations), "deferred": deferred_resources})
    return {"ran": True, "pack": result.policy_pack, "rules": rules}


def summarize(document: Mapping[str, Any]) -> dict[str, Any]:
    diagnostics = document["diagnostics"]
    violations = [d for d in diagnostics if not d["deferred"]]
    deferred = [d for d in diagnostics if d["deferred"]]
    rules = document["policies"]["rules"]
    cost = document.get("cost")
    return {
        "phase": document["phase"],
        "resources": len(document["resources"]),
        "create": len(document["resources"]),
        "placeholders": len(document["placeholders"]),
        "policiesRun": document["policies"]["ran"],
        "mandatoryViolations": sum(1 for d in violations if d["enforcementLevel"] == "mandatory"),
        "advisoryViolations": sum(1 for d in violations if d["enforcementLevel"] != "mandatory"),
        "deferredChecks": sum(deferred_count(d) for d in deferred),
        "deferredRules": sorted({d["policy"] for d in deferred}),
        "rulesPassed": sum(1 for r in rules if r["verdict"] == "passed"),
        "monthlyCost": cost["monthly"] if cost else None,
    }


def dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


# ---------------------------------------------------------------------------------------
# Reading a document back (`--compare BASE.json`)


def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


def load(path: Path) -> dict[str, Any]:
    """A plan document from disk, validated against the schema; one line naming the problem."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc.__class__.__name__}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON (line {exc.lineno}): expected the output of `ops plan --json`") from None
    if isinstance(document, dict) and document.get("comparison") is True:
        raise UsageError(f"{path}: a comparison, not a plan: expected the output of `ops plan --json`")
    if not isinstance(document, dict) or "schemaVersion" not in document:
        raise UsageError(
            f"{path}: no schemaVersion: expected the output of `ops plan --json` (schema {SCHEMA_VERSION})"
        )
    if document["schemaVersion"] != SCHEMA_VERSION:
        raise UsageError(
            f"{path}: schemaVersion {document['schemaVersion']!r}; this ops plan reads {SCHEMA_VERSION}: "
            "make both plans with the same version"
        )
    problem = validation_error(document)
    if problem:
        raise UsageError(f"{path}: {problem}")
    return document


def validation_error(document: Any) -> str | None:
    """The first schema violation as `where: what`, or None."""
    # Imported here: ~50 ms (python -X importtime) that `ops plan` would spend before starting the pack.
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return None
    error = errors[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
    return f"{where or '(document)'}: {error.message[:200]}"
