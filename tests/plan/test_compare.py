"""`ops plan STACK --compare BASE.json`: exactly what a change does, its policy verdicts and cost."""

from __future__ import annotations

import copy
import json

import pytest

from ops.plan.compare import compare, render_text
from ops.plan.cost import estimate
from ops.plan.document import dumps, validation_error
from ops.plan.markdown import render_comparison
from ops.shared.errors import UsageError
from tests.support.plan import STAGING_POLICY_CONFIG_FILE, make_project, plan_document

CANARY_PLAIN = "CANARYplainValue42"


@pytest.fixture(scope="module")
def plans(tmp_path_factory, staging_config):
    """The base plan of a staging-like stack and heads that each change one thing."""
    project = make_project(tmp_path_factory.mktemp("compare"), staging_config)
    strict = tmp_path_factory.mktemp("policy") / "strict.json"
    strict.write_text(
        json.dumps(
            {
                **json.loads(STAGING_POLICY_CONFIG_FILE.read_text()),
                "rds-instance-backup-retention": {"minimumRetentionDays": 30},
            }
        )
    )

    def make(policies=STAGING_POLICY_CONFIG_FILE, **overrides):
        return plan_document(project.write_stack("staging", **overrides), root=project, policies=policies)

    return {
        "base": make(),
        "bigger-db": make(dbInstanceClass="db.t4g.small"),
        "custom-domain": make(policies=False, renderCustomDomain="staging.kitchen-kontrol.dev"),
        "strict-policy": make(policies=strict),
    }


def test_a_changed_setting_is_exactly_one_change_with_its_cost(plans):
    comparison = compare(plans["base"], plans["bigger-db"])
    resources = comparison["resources"]
    assert resources["added"] == [] and resources["removed"] == []
    (changed,) = resources["changed"]
    assert changed["name"] == "kitchen-kontrol-staging-db-instance"
    assert changed["properties"] == [
        {"path": "instanceClass", "secret": False, "before": "db.t4g.micro", "after": "db.t4g.small", "kind": "changed"}
    ]
    assert comparison["cost"]["delta"] == 11.68  # 730 h x ($0.032 - $0.016)
    assert comparison["policies"]["appeared"] == comparison["policies"]["disappeared"] == []
    text = render_text(comparison, width=100)
    assert "1 changed, 0 added, 0 removed" in text
    assert "~ aws:rds:Instance  kitchen-kontrol-staging-db-instance: instanceClass" in text
    assert "+$11.68/month" in text


def test_same_plan_compares_to_nothing(plans):
    comparison = compare(plans["base"], plans["base"])
    assert not any(comparison["resources"][k] for k in ("added", "removed", "changed"))
    assert comparison["cost"]["delta"] == 0 and comparison["cost"]["items"] == []
    assert "no resource changes" in render_text(comparison, width=100)


def test_added_resources_are_listed_and_policies_not_compared_without_the_pack(plans):
    comparison = compare(plans["base"], plans["custom-domain"])
    added = [r["type"] for r in comparison["resources"]["added"]]
    assert added == ["render:services:CustomDomain"]
    assert comparison["policies"]["compared"] is False
    assert "Policies: not compared (this plan ran without the pack)" in render_text(comparison, width=100)
    reverse = compare(plans["custom-domain"], plans["base"])
    assert [r["type"] for r in reverse["resources"]["removed"]] == ["render:services:CustomDomain"]


def test_policy_verdicts_that_appear_and_disappear(plans):
    comparison = compare(plans["base"], plans["strict-policy"])
    (appeared,) = comparison["policies"]["appeared"]
    assert appeared["policy"] == "rds-instance-backup-retention" and appeared["enforcementLevel"] == "mandatory"
    assert comparison["policies"]["disappeared"] == []
    assert comparison["resources"]["changed"] == []  # the same resources: only the verdict changed
    text = render_text(comparison, width=100)
    assert "+ MANDATORY [rds-instance-backup-retention]" in text
    back = compare(plans["strict-policy"], plans["base"])
    assert [d["policy"] for d in back["policies"]["disappeared"]] == ["rds-instance-backup-retention"]


def test_a_secret_is_changed_never_shown(plans):
    base = copy.deepcopy(plans["base"])
    env = next(r for r in base["resources"] if r["name"].endswith("web-env-jwt-secret"))
    env["inputs"]["value"] = CANARY_PLAIN  # plain in the base, a secret in the head
    comparison = compare(base, plans["base"])
    (changed,) = comparison["resources"]["changed"]
    assert changed["properties"] == [{"path": "value", "secret": True, "kind": "changed"}]
    for rendered in (
        render_text(comparison, details=True, width=0),
        dumps(comparison),
        render_comparison(comparison, plans["base"]),
    ):
        assert CANARY_PLAIN not in rendered
    assert "value: [secret] (changed; values not shown)" in render_text(comparison, details=True, width=0)


def test_comparison_json_matches_the_schema(plans):
    for head in ("bigger-db", "custom-domain", "strict-policy"):
        comparison = json.loads(dumps(compare(plans["base"], plans[head])))
        assert validation_error(comparison) is None, head


def test_a_plan_of_another_stack_or_phase_is_refused(plans):
    other = {**plans["base"], "stack": "production"}
    with pytest.raises(UsageError, match="the base plan is of stack 'production'"):
        compare(other, plans["base"])
    with pytest.raises(UsageError, match="the base plan is a update"):
        compare({**plans["base"], "phase": "update"}, plans["base"])


def test_cli_compares_against_a_base_file_and_names_the_change(ops_cli, staging_document, tmp_path):
    """The base branch had a bigger database: the head plan shows that change and the saving."""
    base = copy.deepcopy(staging_document)
    db = next(r for r in base["resources"] if r["type"] == "aws:rds/instance:Instance")
    db["inputs"]["instanceClass"] = "db.t4g.small"
    base["cost"] = estimate(base["resources"], "us-east-1")
    path = tmp_path / "base.json"
    path.write_text(json.dumps(base))
    completed = ops_cli("plan", "staging", "--compare", str(path), "--width", "100")
    assert completed.returncode == 0, completed.stderr
    assert "1 changed, 0 added, 0 removed" in completed.stdout
    assert "kitchen-kontrol-staging-db-instance: instanceClass" in completed.stdout
    assert "-$11.68/month" in completed.stdout
    as_json = ops_cli("plan", "staging", "--compare", str(path), "--json")
    assert json.loads(as_json.stdout)["cost"]["delta"] == -11.68


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("schemaVersion"), "no schemaVersion"),
        (lambda d: d.update(schemaVersion=99), "schemaVersion 99; this ops plan reads 1"),
        (lambda d: d["resources"][1].pop("urn"), "resources[1]: 'urn' is a required property"),
        (lambda d: d["summary"].update(resources="many"), "summary.resources: 'many' is not of type 'integer'"),
    ],
)
def test_a_bad_base_file_is_one_usage_error_naming_the_field(ops_cli, staging_document, tmp_path, mutate, message):
    base = copy.deepcopy(staging_document)
    mutate(base)
    path = tmp_path / "base.json"
    path.write_text(json.dumps(base))
    completed = ops_cli("plan", "staging", "--compare", str(path))
    assert completed.returncode == 2
    assert message in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1
