"""`python -m ops plan`: what reviewers read and what CI gates on."""

from __future__ import annotations

import ast
import json
import re

import pytest

from ops.plan import document as plan_document
from ops.plan.document import validation_error
from ops.plan.render import render_text
from ops.program.result import PlanRefused
from ops.shared.errors import UsageError
from tests.support.env import ROOT
from tests.support.plan import CANARY_SECRET


@pytest.fixture
def staging_text(cli_plans):
    return cli_plans["staging"]


def exported_outputs() -> set[str]:
    """The names `stacks/environment.py` passes to pulumi.export: what every plan must show."""
    tree = ast.parse((ROOT / "stacks" / "environment.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "export"
    }


def test_staging_plan_is_one_line_per_resource_and_a_summary(staging_text, staging_document):
    assert staging_text.returncode == 0, staging_text.stderr
    lines = staging_text.stdout.splitlines()
    rows = [line for line in lines if line.startswith(" +  ")]
    assert len(rows) == staging_document["summary"]["resources"] == 63
    for expected in (
        " +  pulumi:pulumi:Stack",
        "│  ├─ aws:rds:Instance",  # types as `pulumi preview` shows them
        "aws:vpc:SecurityGroupIngressRule",
        "random:index:RandomPassword",
        "render:services:WebService",
        "render:services:StaticSite",  # the app's frontend
        "[protect]",
        "[secret]: databaseUrl, sentryDsn",
        "Resources: + 63 to create (preview)",
    ):
        assert expected in staging_text.stdout, expected
    # About the size of `pulumi preview` (~80 lines): a line per resource and ~30 of results and summary (33 since
    # the databaseInstance output: the instance a restore moves the stack to; 34 with the frontend's outputs); no
    # input values unless asked (--details).
    assert len(lines) <= len(rows) + 34, len(lines)
    assert "envVarKey" not in staging_text.stdout and "password:" not in staging_text.stdout
    assert staging_text.stderr == ""


def test_no_line_is_wider_than_asked_and_the_columns_stay_aligned(staging_text):
    lines = staging_text.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    rows = [line for line in lines if line.startswith(" +  ")]
    header = next(line for line in lines if line.strip().startswith("Type"))
    name_column = header.index("Name")
    # Long type names (pulumi-python:dynamic/uptimerobot:AlertContact) do not push the names right.
    assert all(row[name_column - 2 : name_column] == "  " and row[name_column] != " " for row in rows)


def test_width_is_honoured_and_zero_means_no_limit(ops_cli):
    narrow = ops_cli("plan", "staging", "--no-policies", "--width", "80")
    wide = ops_cli("plan", "staging", "--no-policies", "--width", "0")
    assert narrow.returncode == wide.returncode == 0, narrow.stderr + wide.stderr
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    longest_name = "kitchen-kontrol-staging-sentry-team-member-oncall-kitchen-kontrol-example-com"
    assert longest_name in wide.stdout and longest_name not in narrow.stdout
    # Shortened where it repeats the parent's name, shown just above in the tree: siblings stay apart.
    assert "…-team-member-oncal" in narrow.stdout and "…-team-member-ops-" in narrow.stdout
    assert "Policies: not run (--no-policies)" in narrow.stdout


def test_two_runs_give_identical_bytes(cli_plans):
    for first, second in (("staging", "staging-again"), ("staging-json", "staging-json-again")):
        assert cli_plans[first].returncode == 0, cli_plans[first].stderr
        assert cli_plans[first].stdout == cli_plans[second].stdout, first


def test_json_document_matches_its_schema_and_counts_what_it_holds(staging_document):
    assert validation_error(staging_document) is None
    assert staging_document["schemaVersion"] == 1
    assert staging_document["summary"]["resources"] == len(staging_document["resources"])
    stack = staging_document["resources"][0]
    assert stack["type"] == "pulumi:pulumi:Stack" and stack["parent"] is None
    assert staging_document["outputs"]["databaseUrl"] == "[secret]"
    assert all("placeholder" in json.dumps(p["result"]) for p in staging_document["placeholders"])


def test_urns_are_the_engines(staging_document):
    urns = {r["name"]: r["urn"] for r in staging_document["resources"]}
    prefix = "urn:pulumi:staging::kitchen-kontrol::"
    assert urns["kitchen-kontrol-staging"] == f"{prefix}pulumi:pulumi:Stack::kitchen-kontrol-staging"
    # A top-level component: just its type, no Stack in the chain.
    assert (
        urns["kitchen-kontrol-staging-db"]
        == f"{prefix}kitchen-kontrol:index:PostgresDatabase::kitchen-kontrol-staging-db"
    )
    # Nested two deep: the whole parent chain, grandparent first.
    assert urns["kitchen-kontrol-staging-db-network-vpc"] == (
        f"{prefix}kitchen-kontrol:index:PostgresDatabase$kitchen-kontrol:index:DatabaseNetwork$aws:ec2/vpc:Vpc"
        "::kitchen-kontrol-staging-db-network-vpc"
    )
    assert not any("pulumi:pulumi:Stack$" in urn for urn in urns.values())
    for resource in staging_document["resources"][1:]:
        parent_chain = resource["parent"].split("::")[2]
        own_chain = resource["urn"].split("::")[2]
        expected = resource["type"] if parent_chain == "pulumi:pulumi:Stack" else f"{parent_chain}${resource['type']}"
        assert own_chain == expected, resource["urn"]


def test_resources_are_in_tree_order_then_urn(staging_document):
    resources = staging_document["resources"]
    position = {r["urn"]: i for i, r in enumerate(resources)}
    for r in resources[1:]:
        assert position[r["parent"]] < position[r["urn"]], r["urn"]
    by_parent: dict[str, list[str]] = {}
    for r in resources[1:]:
        by_parent.setdefault(r["parent"], []).append(r["urn"])
    assert all(siblings == sorted(siblings) for siblings in by_parent.values())


def test_every_exported_output_appears_in_both_phases(staging_document, update_plan):
    exported = exported_outputs()
    assert "uptimeDashboardUrl" in exported
    assert set(staging_document["outputs"]) == exported
    assert set(plan_document.document(update_plan)["outputs"]) == exported


def test_details_show_inputs_placeholders_and_every_verdict(ops_cli):
    completed = ops_cli("plan", "staging", "--details", "--width", "120")
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    for expected in (
        "envVarKey: DATABASE_URL",
        "password: [secret]",
        "instanceClass: db.t4g.micro",
        "Placeholders (invokes answered by the offline plan",
        "placeholder-az-a",
        "    no-production-secrets: 38 resource(s)",
        "passed: aws-required-tags,",
    ):
        assert expected in out, expected
    assert max(len(line) for line in out.splitlines()) <= 120


def test_production_preview_passes_and_says_the_apply_is_blocked(cli_plans):
    completed = cli_plans["production"]
    assert completed.returncode == 0, completed.stderr
    assert "the apply is blocked (stop before production)" in completed.stdout


def test_production_update_is_refused_naming_the_rule(ops_cli):
    completed = ops_cli("plan", "production", "--as-update")
    assert completed.returncode == 1
    assert completed.stdout == ""
    assert completed.stderr.startswith("error: stop-before-production")
    assert len(completed.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("plan", "nosuch"), "unknown stack 'nosuch': no Pulumi.nosuch.yaml"),
        (("plan", "staging", "--bogus"), "unrecognized arguments: --bogus"),
        (("plan", "../etc"), "stack name"),
        (("frobnicate",), "invalid choice"),
        (("plan", "staging", "--width", "wide"), "expected a number of columns"),
        (("plan", "staging", "--json", "--format", "markdown"), "choose one"),
        (("plan", "staging", "--compare", "nosuch.json"), "cannot read nosuch.json"),
        (("plan", "staging", "--compare", "Pulumi.yaml"), "Pulumi.yaml: not JSON"),
    ],
)
def test_usage_errors_are_one_line_exit_2(ops_cli, args, message):
    completed = ops_cli(*args)
    assert completed.returncode == 2
    assert message in completed.stderr
    assert "Traceback" not in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1


def test_bad_config_names_every_key_and_registers_nothing(plan, project_dir):
    with pytest.raises(UsageError) as caught:
        plan(project_dir.write_stack("broken", appPort=70000, dbBackupRetentionDays=1), root=project_dir)
    message = str(caught.value)
    assert "kitchen-kontrol:appPort" in message and "kitchen-kontrol:dbBackupRetentionDays" in message
    assert "Pulumi.broken.yaml" in message


def test_production_update_registers_nothing(plan, project_dir):
    from ops.program.mocks import PlanMocks
    from ops.program.runner import run_plan

    mocks = PlanMocks(preview=False)
    with pytest.raises(PlanRefused, match="stop-before-production"):
        run_plan(
            project_dir.write_stack("production", appNodeEnv="production"), preview=False, root=project_dir, mocks=mocks
        )
    assert mocks.registered == 0


def test_open_release_window_lets_the_program_plan_production(plan, project_dir):
    window = {
        "stack": "prod-eu",
        "approvedBy": "Jane Doe",
        "changeReference": "CHG-1",
        "notBefore": "2000-01-01T00:00:00+00:00",
        "notAfter": "2000-01-01T01:00:00+00:00",
    }
    with pytest.raises(PlanRefused, match="closed at 2000-01-01T01:00:00"):
        plan(project_dir.write_stack("prod-eu", releaseWindow=window), preview=False, root=project_dir)


def test_stack_without_project_config_names_every_required_key(plan, project_dir):
    # Pulumi.yaml's defaults fill the rest, as the CLI does; the keys without one must be set.
    (project_dir / "Pulumi.empty.yaml").write_text("config:\n  aws:region: us-east-1\n")
    with pytest.raises(UsageError, match="Pulumi.empty.yaml") as refused:
        plan("empty", root=project_dir)
    required = re.findall(r"kitchen-kontrol:(\w+): required; set it in the stack file", str(refused.value))
    assert required == ["appNodeEnv", "dbAllowedCidrs", "dbName", "oncallContacts", "sentryOrganization"]


@pytest.mark.parametrize("preview", [True, False])
def test_secrets_never_reach_text_or_json(plan, project_dir, preview):
    from ops.plan.markdown import render_plan

    result = plan(project_dir.write_stack(), preview=preview, root=project_dir)
    text = render_text(plan_document.document(result), details=True, width=0)
    document = json.dumps(plan_document.document(result))
    markdown = render_plan(plan_document.document(result))
    assert CANARY_SECRET not in text and CANARY_SECRET not in document and CANARY_SECRET not in markdown
    assert "[secret]" in text and "[secret]" in document
    if preview:
        assert "[unknown]" in text


def refused_update(plan, project_dir, error: type[Exception], stack: str = "teststack", **overrides) -> str:
    """The message that refuses the update of a stack written with `overrides`."""
    with pytest.raises(error) as caught:
        plan(project_dir.write_stack(stack, **overrides), preview=False, root=project_dir)
    return str(caught.value)


def test_an_update_reports_every_blocking_problem_at_once(plan, project_dir):
    message = refused_update(
        plan,
        project_dir,
        PlanRefused,
        dbAllowedCidrs=["203.0.113.0/28"],
        oncallContacts=["primary: Ana <ana@example.com>"],
        escalationLevels=["15m: primary"],  # only a primary is left to escalate to
    )
    assert "dbAllowedCidrs holds documentation ranges (203.0.113.0/28)" in message
    assert "oncallContacts holds 1 address(es) at reserved example domains" in message


def test_a_refused_production_update_also_names_the_unfinished_config(plan, project_dir):
    message = refused_update(
        plan, project_dir, PlanRefused, "production", appNodeEnv="production", dbAllowedCidrs=["203.0.113.0/28"]
    )
    assert message.startswith("stop-before-production: refusing to update production stack 'production'")
    assert "dbAllowedCidrs holds documentation ranges" in message


def test_a_config_error_also_names_the_refused_update(plan, project_dir):
    message = refused_update(plan, project_dir, UsageError, "production", appNodeEnv="production", appPort=0)
    assert "kitchen-kontrol:appPort: expected a value of at least 1" in message
    assert "also blocking the update: stop-before-production" in message


def test_aws_region_from_the_stack_file_is_checked(plan, project_dir):
    with pytest.raises(UsageError, match="aws:region: 'us-east-7' is not a region the AWS SDK knows; did you mean"):
        plan(project_dir.write_stack(**{"aws:region": "us-east-7"}), root=project_dir)


def test_update_plans_are_the_same_bytes_too_and_match_the_schema(plan, project_dir):
    from ops.plan.document import dumps

    stack = project_dir.write_stack()
    first, second = (dumps(plan_document.document(plan(stack, preview=False, root=project_dir))) for _ in range(2))
    assert first == second
    document = json.loads(first)
    assert validation_error(document) is None
    assert document["outputs"]["uptimeDashboardUrl"].startswith("https://dashboard.uptimerobot.com/monitors/")


def test_without_width_the_terminal_or_columns_decides(monkeypatch):
    import io

    from ops.shared.text_layout import DEFAULT_WIDTH, default_width

    monkeypatch.setattr("sys.stdout", io.StringIO())  # not a terminal
    monkeypatch.setenv("COLUMNS", "90")
    assert default_width() == 90
    monkeypatch.delenv("COLUMNS")
    assert default_width() == DEFAULT_WIDTH == 120
