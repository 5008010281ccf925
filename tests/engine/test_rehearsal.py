"""The dress rehearsal, run by the real Pulumi CLI against the stand-in providers."""

from __future__ import annotations

import json
import platform
import re
import subprocess
import time
from pathlib import Path

import pytest

from ops.rehearsal import production_release as release
from ops.rehearsal.engine_command import changes_stack
from ops.rehearsal.lifecycle import documented_window_commands
from tests.support.commands import run_ops
from tests.support.engine import config_changed, fresh_stack, preview_with
from tests.support.env import ROOT


def _summary(rehearsal) -> list[tuple[str, bool]]:
    return [(step.name, step.ok) for step in rehearsal.steps]


def test_staging_lifecycle_previews_applies_settles_and_resists_destroy(staging_rehearsal):
    steps = {step.name: step for step in staging_rehearsal.steps}
    assert all(ok for _, ok in _summary(staging_rehearsal)), _summary(staging_rehearsal)
    assert len(staging_rehearsal.steps) == staging_rehearsal.expected
    assert steps["up"].exit_code == 0
    assert steps["preview --expect-no-changes"].exit_code == 0
    destroy = steps["destroy refused by protect"]
    assert destroy.exit_code != 0 and "protect" in destroy.output
    # Nothing was deleted: the protected database and service, and everything else, are still there.
    assert sorted(staging_rehearsal.declared()) == sorted(staging_rehearsal.after_update)
    assert {"aws:rds/instance:Instance", "render:services:WebService"} <= set(staging_rehearsal.after_update)


def test_the_stand_ins_say_what_they_are(staging_rehearsal):
    preview = next(step for step in staging_rehearsal.steps if step.name == "preview")
    for package in ("aws", "random", "render", "sentry"):
        assert f"stand-in provider for {package}" in preview.output


def test_production_preview_passes_and_says_the_apply_is_blocked(production_rehearsal):
    preview = next(step for step in production_rehearsal.steps if step.name == "preview")
    assert preview.exit_code == 0
    assert "the apply is blocked (stop before production)" in preview.output


def test_production_update_is_refused_by_each_key_before_any_resource_exists(production_rehearsal):
    assert all(ok for _, ok in _summary(production_rehearsal)), _summary(production_rehearsal)
    assert len(production_rehearsal.steps) == production_rehearsal.expected
    refused = [step for step in production_rehearsal.steps if step.name.startswith("up refused")]
    assert [step.name for step in refused] == [
        "up refused: no window open",
        "up refused by the program",
        "up refused by the policy pack",
    ]
    assert all(step.exit_code != 0 and step.ok for step in refused)  # each checked the state was still empty


def test_a_stack_holding_productions_values_is_stopped_at_the_stack_before_any_resource(production_rehearsal):
    """Issue 29: `live` with production's values, the program's window open for it and the pack's closed:
    the pack knows from the stack's config that it is production, so nothing is created."""
    live = fresh_stack(production_rehearsal, "live")
    try:
        assert live.session.run(["config", "set", "--path", "-s", "live", "releaseWindow.stack", "live"])[0] == 0
        code, output, _ = live.session.run(["up", "-s", "live", "--yes", "--skip-preview", "--policy-pack", "policies"])
        assert code != 0
        assert (
            'update of production stack "live" (production by its config: kitchen-kontrol:appNodeEnv) '
            "stopped before pulumi:pulumi:Stack" in " ".join(output.split())
        )
        code, exported, _ = live.session.run(["stack", "export", "-s", "live"])
        assert code == 0, exported[-2000:]
        resources = json.loads(exported)["deployment"].get("resources") or []
        assert [r["type"] for r in resources if r.get("custom")] == []
    finally:
        live.session.run(["stack", "rm", "live", "--yes", "--force"])


def test_the_engine_refuses_a_stack_file_that_sends_the_sentry_token_elsewhere(staging_rehearsal):
    """Issue 29: the program refuses `sentry:baseUrl` (stacks/stack_keys.py), so the real CLI does too."""
    with config_changed(staging_rehearsal, "sentry:baseUrl", "https://sentry.attacker.example/api/"):
        code, output, _ = staging_rehearsal.session.run(["preview", "-s", staging_rehearsal.stack])
    assert code != 0
    flat = " ".join(output.split())
    assert "sentry:baseUrl: cannot be set in a stack file: it changes where the Sentry provider sends" in flat
    assert "attacker" not in output and "Traceback" not in output


def test_the_pack_the_real_cli_starts_holds_none_of_the_clis_credentials(staging_rehearsal):
    """Issue 29: the CLI hands a policy pack its whole environment; the pack restarts without credentials.
    Read from /proc while the real CLI previews: the last look at each pack process (after its restart)."""
    canary = "CANARYcliAwsSecret5e2b07"  # pragma: allowlist secret
    session = staging_rehearsal.session
    env = {**session.env, "AWS_SECRET_ACCESS_KEY": canary}
    args = [str(session.engine.cli), "preview", "-s", "staging", *staging_rehearsal.policy_flags()]
    cli = subprocess.Popen(args, cwd=session.project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    last_seen: dict[int, bytes] = {}
    while cli.poll() is None:
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and b"pulumi.policy" in (proc / "cmdline").read_bytes():
                    last_seen[int(proc.name)] = (proc / "environ").read_bytes()
            except OSError:
                continue
        time.sleep(0.05)
    assert cli.wait() == 0, cli.stdout.read()[-2000:]
    assert last_seen, "no policy pack process was seen"
    assert all(canary.encode() not in environ for environ in last_seen.values())


def test_production_applied_with_both_keys_survives_every_destroy(production_rehearsal):
    steps = {step.name: step for step in production_rehearsal.steps}
    assert steps["up with both keys open"].exit_code == 0
    resources = release.declared(production_rehearsal)
    assert len(resources) > 40 and all(r.get("protect") for r in resources)
    assert sorted(r["urn"] for r in resources) == production_rehearsal.after_update
    plain, excluding, targeted = (
        steps["destroy refused by protect"],
        steps["destroy --exclude-protected"],
        steps["destroy --target refused by protect"],
    )
    assert plain.exit_code != 0 and "protect" in plain.output
    assert excluding.exit_code == 0 and excluding.ok  # nothing unprotected to delete
    assert "--target" in targeted.args and targeted.exit_code != 0 and "protect" in targeted.output


def test_documented_release_window_commands_are_the_ones_rehearsed(production_rehearsal):
    stack_file = ROOT / "Pulumi.production.yaml"
    commands = documented_window_commands(stack_file, *_window_times())
    keys = [args[-2] for args in commands]
    assert {"releaseWindow.approvedBy", "releaseWindow.changeReference"} <= set(keys)
    assert {"releaseWindow.notBefore", "releaseWindow.notAfter"} <= set(keys)
    rehearsed = [step.name for step in production_rehearsal.steps if "releaseWindow." in step.name]
    assert rehearsed == [f"config set {key}" for key in keys]


def _window_times():
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    return now, now + timedelta(hours=1)


def test_secrets_stay_encrypted_in_the_state_and_out_of_every_printed_line(staging_apis):
    staging_rehearsal, apis = staging_apis
    session = staging_rehearsal.session
    code, database_url, _ = session.run(["stack", "output", "-s", "staging", "databaseUrl", "--show-secrets"])
    assert code == 0
    password = re.match(r"postgresql://[^:]+:([^@]+)@", database_url.strip()).group(1)
    assert len(password) >= 16
    code, state, _ = session.run(["stack", "export", "-s", "staging"])
    assert code == 0 and "ciphertext" in state
    printed = "\n".join(step.output for step in staging_rehearsal.steps)
    for canary in (password, session.passphrase):
        assert canary not in state
        assert canary not in printed
    # The dynamic providers' API credentials are read at call time and never stored, not even encrypted.
    code, decrypted_state, _ = session.run(["stack", "export", "-s", "staging", "--show-secrets"])
    assert code == 0 and password in decrypted_state
    assert apis.uptimerobot.api_key not in decrypted_state
    assert apis.sentry.token not in decrypted_state


def test_an_env_var_change_updates_one_env_var_and_never_replaces_the_service(log_level_change):
    # One in-place update: the service (and its deploy) are neither updated nor replaced.
    assert [(s.op, s.name) for s in log_level_change if s.op != "same"] == [
        ("update", "kitchen-kontrol-staging-web-env-log-level")
    ]


def test_the_cli_accepts_the_committed_policy_configs_and_rejects_a_wrong_type(staging_rehearsal, tmp_path):
    bad = json.loads((ROOT / "policies" / "config.staging.json").read_text())
    bad["rds-instance-backup-retention"] = {"minimumRetentionDays": "seven"}
    config = tmp_path / "bad.json"
    config.write_text(json.dumps(bad))
    code, output, _ = staging_rehearsal.session.run(
        ["preview", "-s", "staging", "--policy-pack", "policies", "--policy-pack-config", str(config)]
    )
    assert code != 0
    assert "minimumRetentionDays" in output


def test_ops_rehearse_json_is_evidence_readiness_accepts(engine, production_rehearsal, tmp_path):
    """The report `ops rehearse production --json` prints (its JSON path runs in the faults test), made of the
    session's production rehearsal rather than a second one."""
    from ops.rehearsal.rehearse_command import json_report

    assert production_rehearsal.succeeded
    report = json_report(engine, "production", True, production_rehearsal.steps, seconds=1.0)
    assert all({"name", "expected", "exitCode", "seconds", "ok"} <= set(step) for step in report["steps"])
    evidence = tmp_path / "rehearsal.json"
    evidence.write_text(json.dumps(report, indent=2))
    readiness = run_ops("readiness", "production", "--rehearsal-report", str(evidence), timeout=300)
    (line,) = [line for line in readiness.stdout.splitlines() if "Dress rehearsal" in line]
    assert line.startswith("- ✅"), line


def test_offline_plan_urns_are_the_engines(staging_rehearsal):
    from ops.plan.document import document
    from ops.program.runner import run_plan

    # The same project copy and stack file (rehearsal values included) the engine deployed.
    planned = {r["urn"] for r in document(run_plan("staging", root=staging_rehearsal.project))["resources"]}
    deployed = {r["urn"] for r in staging_rehearsal.state_resources() if not r["type"].startswith("pulumi:providers:")}
    assert planned == deployed


def test_the_offline_plan_protects_exactly_what_the_engine_protects(production_rehearsal):
    """Issue 29: the offline plan runs the program's stack transform, so its `protect` set is the engine's."""
    from ops.plan.document import document
    from ops.program.runner import run_plan

    plan = document(run_plan("production", root=production_rehearsal.project))["resources"]
    planned = {r["urn"] for r in plan if r["protect"]}
    deployed = {r["urn"] for r in production_rehearsal.state_resources() if r.get("protect")}
    assert len(deployed) > 50
    assert planned == deployed


def test_a_create_only_change_previews_a_replacement(staging_rehearsal):
    replaced = {s.type for s in preview_with(staging_rehearsal, "dbVpcCidr", "10.43.0.0/16") if s.op == "replace"}
    assert "aws:ec2/vpc:Vpc" in replaced
    assert not replaced & {"aws:rds/instance:Instance", "render:services:WebService"}


def test_the_offline_plan_reads_the_config_the_engine_hands_the_program(staging_rehearsal):
    from ops.shared.project import load_stack_config

    code, output, _ = staging_rehearsal.session.run(["config", "--json", "-s", "staging"])
    assert code == 0, output[-2000:]
    # Pulumi.yaml's defaults included: the engine hands the program every declared key.
    engine = {key: entry.get("objectValue", entry["value"]) for key, entry in json.loads(output).items()}
    offline = load_stack_config("staging", root=staging_rehearsal.project).config
    assert {key: _decoded(value) for key, value in offline.items()} == engine
    assert engine["kitchen-kontrol:releaseWindow"] == {} and engine["kitchen-kontrol:dbVpcId"] == ""


def _decoded(value: str):
    return json.loads(value) if value[:1] in ("[", "{") else value


def test_an_existing_vpc_previews_although_the_engine_hands_over_the_default_vpc_cidr(production_rehearsal):
    # A fresh production stack: the rehearsed one is applied and protected, so moving its VPC would be refused.
    fresh = fresh_stack(production_rehearsal, "production-vpc")
    types = {s.type for s in preview_with(fresh, "dbVpcId", "vpc-0123456789abcdef0")}
    assert "aws:ec2/securityGroup:SecurityGroup" in types and "aws:ec2/vpc:Vpc" not in types


def test_ops_engine_runs_any_cli_command_in_the_stand_in_environment(engine, tmp_path):
    backend = tmp_path / "backend"
    done = run_ops("engine", "--backend", str(backend), "--", "stack", "ls", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    assert (backend / "passphrase").stat().st_mode & 0o077 == 0


def test_ops_engine_reads_the_command_not_an_argument_value_that_names_one(engine, tmp_path):
    # `up` here is the project filter's value: listing stacks changes nothing and needs no -s.
    done = run_ops("engine", "--backend", str(tmp_path), "--", "stack", "ls", "--json", "-p", "up")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize(
    ("pulumi_args", "applying"),
    [
        (["up", "-s", "staging", "--yes"], True),
        (["--cwd", "preview", "destroy", "--stack=staging"], True),
        (["-C", ".", "--color", "never", "refresh", "-s", "staging"], True),
        (["state", "unprotect", "-s", "staging", "urn"], True),
        (["stack", "--output", "json", "rm", "-s", "staging"], True),
        (["config", "-s", "production", "set", "kitchen-kontrol:releaseWindow", "x"], True),
        (["preview", "-s", "up", "--message", "destroy"], False),
        (["-s", "up", "preview"], False),
        (["stack", "ls", "-p", "up"], False),
        (["stack", "output", "-s", "staging", "--json"], False),
        (["config", "get", "-s", "staging", "state"], False),
        (["--color", "always", "preview", "-s", "staging"], False),
        (["--tracing-header", "up", "preview", "-s", "staging"], False),
        (["--tracing-header", "preview", "up", "-s", "staging"], True),
        (["down", "-s", "staging"], True),
    ],
)
def test_ops_engine_classifies_a_command_by_its_words_not_its_values(pulumi_args, applying, cli_grammar):
    assert changes_stack(cli_grammar.parse(pulumi_args)) is applying


def test_ops_engine_without_pulumi_arguments_is_a_usage_error(engine):
    done = run_ops("engine", timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: expected pulumi arguments after --, e.g. python -m ops engine -- preview -s staging"
    )


@pytest.mark.parametrize("command", [["up", "-s", "production", "--yes"], ["destroy", "--stack=prod-eu", "--yes"]])
def test_ops_engine_never_changes_a_production_stack(command):
    done = run_ops("engine", "--", *command, timeout=60)
    assert done.returncode == 2
    assert "ops engine never changes a production stack" in done.stderr
    assert done.stdout == ""


def test_ops_engine_needs_an_explicit_stack_to_change_one():
    done = run_ops("engine", "--", "up", "--yes", timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == "error: pass the stack explicitly (-s STACK): the selected stack is never relied on"


@pytest.mark.parametrize(
    "weakening",
    [{"stop-before-production": {"enforcementLevel": "disabled"}}, {"all": "advisory"}],
    ids=["disabled", "all-advisory"],
)
def test_the_cli_stops_on_a_policy_config_that_weakens_production(production_rehearsal, weakening):
    project = production_rehearsal.project
    config = json.loads((project / "policies" / "config.production.json").read_text()) | weakening
    path = project / "policies" / "config.weakened.json"
    path.write_text(json.dumps(config))
    code, output, _ = production_rehearsal.session.run(
        ["preview", "-s", "production", "--policy-pack", "policies", "--policy-pack-config", str(path)]
    )
    assert code != 0
    assert "weakens the production guardrails and is refused" in output, output[-2000:]


def test_each_update_records_the_programs_python(staging_rehearsal):
    # The language host reads the runtime metadata from the virtualenv's pyvenv.cfg (tools/engine/languagehost), which
    # the CLI waits for before every preview and update: what it records is still the program's own Python.
    code, output, _ = staging_rehearsal.session.run(["stack", "history", "-s", "staging", "--json"])
    assert code == 0, output[-2000:]
    environment = json.loads(output)[0]["environment"]
    assert environment["runtime.version"] == platform.python_version()
    assert environment["runtime.executable"] == str(staging_rehearsal.project / ".venv" / "bin" / "python")
