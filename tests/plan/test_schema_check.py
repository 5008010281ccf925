"""ops/plan/schema_check.py, the standard-library check the PR comment's composer runs on untrusted plans, says
what `jsonschema` says on plan.schema.json: real documents pass, broken ones fail, and nothing it does not know
passes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from ops.plan.compare import compare
from ops.plan.schema_check import Invalid, read_document, validate
from tests.support.env import ROOT
from tests.support.plan_comment import with_marker_resource

SCHEMA = json.loads((ROOT / "ops" / "plan" / "plan.schema.json").read_text())


@pytest.fixture(scope="module")
def documents(staging_document) -> dict[str, dict]:
    head = with_marker_resource(staging_document, "added")
    head["diagnostics"].append(
        {
            "policy": "rds-backups",
            "enforcementLevel": "mandatory",
            "severity": "high",
            "urn": None,
            "deferred": False,
            "message": "m",
        }
    )
    return {"plan": head, "comparison": compare(staging_document, head)}


def both_say(document: dict) -> bool:
    """Whether `document` is valid, asserting that jsonschema and the composer's check agree on it."""
    expected = jsonschema.Draft202012Validator(SCHEMA).is_valid(document)
    try:
        validate(document, SCHEMA, SCHEMA)
        ours = True
    except Invalid:
        ours = False
    assert ours == expected, f"jsonschema says {expected}, schema_check says {ours}"
    return ours


def test_real_plans_and_comparisons_pass(documents):
    assert both_say(documents["plan"]) and both_say(documents["comparison"])


def _set(path: str, value):
    def change(document: dict) -> None:
        *parents, last = path.split("/")
        target = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _drop(path: str):
    def change(document: dict) -> None:
        *parents, last = path.split("/")
        target = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]

    return change


BROKEN_PLANS = {
    "an unknown key": _set("<img src=x>", 1),
    "a missing key": _drop("summary"),
    "a string for a count": _set("summary/mandatoryViolations", "0"),
    "true for a count": _set("summary/create", True),
    "a negative count": _set("summary/advisoryViolations", -1),
    "a float for a count": _set("summary/resources", 1.5),
    "another schemaVersion": _set("schemaVersion", 2),
    "a level outside the enum": _set("diagnostics/0/enforcementLevel", "### none"),
    "a URN with a line break": _set("resources/0/urn", "urn:pulumi:a::b::c::d\n### forged"),
    "a URN that is not one": _set("resources/1/parent", "https://evil.example"),
    "no resources": _set("resources", []),
    "a resource that is a string": _set("resources/1", "<details>"),
    "a cost of the wrong type": _set("summary/monthlyCost", "$0"),
}


@pytest.mark.parametrize("change", BROKEN_PLANS.values(), ids=BROKEN_PLANS.keys())
def test_broken_plans_fail_as_jsonschema_fails_them(documents, change):
    document = copy.deepcopy(documents["plan"])
    document["diagnostics"].insert(0, copy.deepcopy(document["diagnostics"][-1]))
    change(document)
    assert not both_say(document)


BROKEN_COMPARISONS = {
    "a secret change with values": _set(
        "resources/changed/0/properties/0", {"secret": True, "kind": "changed", "after": 1}
    ),
    "comparison false": _set("comparison", False),
    "an added resource without a name": _drop("resources/added/0/name"),
    "an unknown verdict key": _set("policies/extra", []),
    "a cost item delta as text": _set(
        "cost",
        {
            "currency": "USD",
            "before": 0,
            "after": 0,
            "delta": 0,
            "complete": True,
            "items": [{"key": "k", "service": "s", "before": None, "after": None, "delta": "+1"}],
        },
    ),
}


@pytest.mark.parametrize("change", BROKEN_COMPARISONS.values(), ids=BROKEN_COMPARISONS.keys())
def test_broken_comparisons_fail_as_jsonschema_fails_them(documents, change):
    document = copy.deepcopy(documents["comparison"])
    document["resources"]["changed"] = [
        {
            "urn": document["resources"]["added"][0]["urn"],
            "type": "t",
            "name": "n",
            "properties": [{"path": "p", "secret": False, "kind": "added", "after": 1}],
        }
    ]
    assert both_say(document)
    change(document)
    assert not both_say(document)


def test_a_keyword_it_does_not_know_never_passes():
    with pytest.raises(RuntimeError, match="uniqueItems"):
        validate([1, 1], {"type": "array", "uniqueItems": True}, {})


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"a": NaN}', "not JSON"),
        ("[" * 100_000 + "]" * 100_000, "not JSON"),
        ("\xff", "not JSON"),
    ],
)
def test_what_is_not_json_is_invalid_not_a_crash(tmp_path: Path, text, why):
    path = tmp_path / "plan.json"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(Invalid, match=why):
        read_document(path, SCHEMA)


def test_a_huge_file_is_not_read(tmp_path: Path):
    path = tmp_path / "plan.json"
    with path.open("wb") as f:
        f.truncate(9_000_000)
    with pytest.raises(Invalid, match="larger than"):
        read_document(path, SCHEMA)
