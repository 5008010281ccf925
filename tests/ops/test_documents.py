"""The runbook and the first-deploy checklist: golden files, derived from the stack, no secret, no placeholder.

Golden files hold what a fresh clone without credentials prints for the committed stacks. After an
intended change: `UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/ops/test_documents.py`, review the diff.
"""

from __future__ import annotations

import difflib
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ops.shared.outputs import StackOutputs
from tests.support.commands import run_ops
from tests.support.golden import assert_golden
from tests.support.operations import clean_env
from tests.support.plan import CANARY_SECRET, ONCALL, REACHABLE_CIDRS

GOLDEN = Path(__file__).parent / "golden"
DOCUMENTS = ("runbook-staging", "runbook-production", "checklist-staging", "checklist-production")
# What a hand-written document leaves for later: "[your-email]", "<commit sha>", TODO, TBD. Markdown
# links "[text](url)", e-mail addresses "<a@b>" and JMESPath queries ("DBInstances[0]") are not.
PLACEHOLDER = re.compile(r"\[[a-z][a-z _-]*\](?!\()|<(?![^>\s]+@)[a-z][a-z _-]*>|\b(TODO|TBD|XXX|FIXME)\b")


def placeholders(document: str) -> list[str]:
    return [m.group(0) for m in PLACEHOLDER.finditer(document)]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_matches_its_golden_file(fresh_clone_documents, name):
    document = fresh_clone_documents[name]
    assert_golden(GOLDEN / f"{name}.md", document)


def test_cli_prints_the_same_document(fresh_clone_documents, empty_bin, tmp_path):
    proc = run_ops("checklist", "production", "--first-deploy", env=clean_env(empty_bin, tmp_path), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == fresh_clone_documents["checklist-production"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_documents_leave_no_placeholder_and_no_timestamp(fresh_clone_documents, name):
    document = fresh_clone_documents[name]
    assert placeholders(document) == []
    assert not re.search(r"\b20\d\d-\d\d-\d\d[ T]\d\d:\d\d", document)


def test_the_placeholder_check_can_fail():
    assert placeholders("Primary: [name] [phone]; revert <bad commit>; TODO") == [
        "[name]",
        "[phone]",
        "<bad commit>",
        "TODO",
    ]
    assert placeholders("[project](https://sentry.io/x) Jane <jane@kitchen-kontrol.dev>") == []


@pytest.mark.parametrize("document", ["runbook-staging", "runbook-production", "checklist-staging"])
def test_no_document_offers_a_way_to_stop_verifying_the_database(fresh_clone_documents, document):
    # The app's node-postgres verifies the server (verify-full, the RDS CA): an incident is no reason to stop.
    text = fresh_clone_documents[document]
    assert "sslmode=verify-full" in text or document.startswith("checklist")
    for weaker in ("no-verify", "rejectUnauthorized", "uselibpqcompat", "sslmode=require", "sslmode=prefer"):
        assert weaker not in text, weaker


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_runbook_has_every_section_the_operator_needs(fresh_clone_documents, stack):
    runbook = fresh_clone_documents[f"runbook-{stack}"]
    headings = re.findall(r"^#{2,3} (.+)$", runbook, re.MULTILINE)
    assert headings == [
        "Quick links",
        "Health check",
        "Alerts and who gets them",
        "Incidents",
        "The app answers 500 or the health check fails",
        "The page does not load but the health check passes",
        "Database connection failures",
        "Slow responses",
        "A deploy failed",
        "Alarm storm",
        "Rollback",
        "Interrupted and locked updates",
        *(["An `up` was interrupted", "The stack is locked"] if stack == "staging" else []),
        "Backup and restore",
        "Restore: a new instance, the stack moves to it",
        "Retire the old instance",
        "Teardown",
        "On call",
        "Escalation",
    ]
    for link in ("App", "Health", "Render dashboard", "Sentry project", "UptimeRobot monitor", "RDS console"):
        assert f"| {link}" in runbook, link
    assert "| CloudWatch alarms" in runbook and "| SNS alarm topic |" in runbook


def test_fresh_clone_runbook_says_not_deployed_yet_for_deploy_time_values(fresh_clone_documents):
    runbook = fresh_clone_documents["runbook-staging"]
    assert "not read (the pulumi CLI is not on PATH" in runbook
    assert "| App (the frontend's page) | not deployed yet |" in runbook
    assert "| API | not deployed yet |" in runbook
    assert "| SNS alarm topic | not deployed yet |" in runbook
    # What the settings and the plan fix in advance is there without a deploy.
    assert "https://sentry.io/organizations/kitchen-kontrol/projects/kitchen-kontrol-staging/" in runbook
    assert "#database:id=kitchen-kontrol-staging;" in runbook


def test_the_runbook_names_the_alarms_and_the_sentry_team_the_plan_declares(fresh_clone_documents, staging_document):
    runbook = fresh_clone_documents["runbook-staging"]
    declared = {r["type"]: r for r in staging_document["resources"]}
    alarms = [r["inputs"]["name"] for r in staging_document["resources"] if r["type"].endswith(":MetricAlarm")]
    assert len(alarms) == 3
    for name in alarms:
        assert f"| CloudWatch `{name}` |" in runbook
    team = declared["sentry:index/sentryTeam:SentryTeam"]["inputs"]["slug"]
    assert team == "kitchen-kontrol-staging"
    assert f"members of the Sentry team `{team}`" in runbook


def test_teardown_unprotects_the_protected_resources_in_order(fresh_clone_documents):
    runbook = fresh_clone_documents["runbook-staging"]
    teardown = runbook.split("## Teardown", 1)[1].split("\n## ", 1)[0]
    order = ["ephemeralStacks", "dbDeletionProtection: false", "pulumi state unprotect", "pulumi destroy -s staging"]
    positions = [teardown.index(step) for step in order]
    assert positions == sorted(positions)
    assert "PostgresDatabase$aws:rds/instance:Instance::kitchen-kontrol-staging-db-instance'" in teardown
    assert "RenderWebService$render:services:WebService::kitchen-kontrol-staging-web-service'" in teardown
    production = fresh_clone_documents["runbook-production"]
    assert "pulumi destroy -s production" not in production and "never destroys production" in production


def test_runbook_reads_outputs_without_show_secrets_and_prints_no_secret(fake_pulumi, empty_bin, tmp_path):
    outputs = {
        "appUrl": f"https://ops:{CANARY_SECRET}@kitchen-kontrol-staging.onrender.com",
        "healthUrl": "https://kitchen-kontrol-staging.onrender.com/api/health",
        "databaseEndpoint": "kitchen-kontrol-staging.c1x2.us-east-1.rds.amazonaws.com:5432",
        "renderDashboardUrl": "https://dashboard.render.com/web/srv-d0abc",
        "frontendUrl": "https://kitchen-kontrol-staging-frontend.onrender.com",
        "frontendDashboardUrl": "https://dashboard.render.com/static/srv-d0def",
        "alarmTopicArn": "arn:aws:sns:us-east-1:123456789012:kk-alarms-1a2b3c4",
        # A CLI that printed secrets anyway must not make the runbook print them.
        "databaseUrl": f"postgresql://kk_admin:{CANARY_SECRET}@host:5432/db",
        "sentryDsn": f"https://{CANARY_SECRET}@o1.ingest.sentry.io/2",
    }
    bin_dir = fake_pulumi(outputs)
    proc = run_ops("runbook", "staging", env=clean_env(bin_dir, tmp_path), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert fake_pulumi.calls() == ["stack output --json -s staging"]
    runbook = proc.stdout
    assert CANARY_SECRET not in runbook and CANARY_SECRET not in proc.stderr
    assert 'curl -fsS "https://kitchen-kontrol-staging.onrender.com/api/health"' in runbook
    assert "`kitchen-kontrol-staging.c1x2.us-east-1.rds.amazonaws.com:5432`" in runbook
    assert "| API | <https://***@kitchen-kontrol-staging.onrender.com> |" in runbook
    assert "| App (the frontend's page) | <https://kitchen-kontrol-staging-frontend.onrender.com> |" in runbook
    assert "[its dashboard](https://dashboard.render.com/static/srv-d0def) → Events" in runbook
    assert "GET https://kitchen-kontrol-staging-frontend.onrender.com every 300 s" in runbook
    assert "#/topic/arn:aws:sns:us-east-1:123456789012:kk-alarms-1a2b3c4" in runbook
    assert "read with `pulumi stack output --json -s staging`" in runbook


def test_runbook_of_a_stack_the_backend_does_not_know(fake_pulumi, monkeypatch):
    from ops.program.facts import load_facts
    from ops.runbook.command import render
    from ops.shared import outputs

    monkeypatch.setenv("PATH", str(fake_pulumi(stderr="error: no stack named 'staging' found\n", code=255)))
    runbook = render(load_facts("staging"), outputs.read("staging"))
    assert "not read (`pulumi stack output` failed: error: no stack named 'staging' found)" in runbook
    assert "| Health | not deployed yet |" in runbook


def test_changed_settings_change_the_runbook(ops_project):
    from ops.runbook.command import generate

    offline = StackOutputs("teststack", reason="no CLI in this test")
    before = generate(ops_project.write_ops_stack(), ops_project, stack_outputs=offline)
    after = generate(
        ops_project.write_ops_stack(
            dbBackupRetentionDays=14,
            alarmCpuPercent=65,
            escalationLevels=["10m: primary", "25m: Dee Eck <dee@kitchen-kontrol.dev>"],
            dbAllowedCidrs=["44.226.145.213/32"],
        ),
        ops_project,
        stack_outputs=offline,
    )
    assert "kept 7 days" in before and "kept 14 days" in after
    assert "CPUUtilization > 80 %" in before and "CPUUtilization > 65 %" in after
    assert "within 45 min of the alert" in before
    assert "| 2 | Dee Eck <dee@kitchen-kontrol.dev> | within 25 min of the alert |" in after
    assert "Cy Dorn" not in after
    assert "`54.187.200.255/32`" in before and "`54.187.200.255/32`" not in after
    changed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    assert 0 < len(changed) < 20, "only the lines of the changed settings differ"


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_the_restore_is_set_preview_up_verify_retire_and_never_a_rename(fresh_clone_documents, stack):
    runbook = fresh_clone_documents[f"runbook-{stack}"]
    section = runbook.split("## Backup and restore", 1)[1].split("\n## ", 1)[0]
    for rename in ("modify-db-instance", "--new-db-instance-identifier", "restore-db-instance"):
        assert rename not in runbook, rename
    assert "pulumi state" not in section  # no state edit either: every phase is a reviewed preview
    order = [
        f"pulumi config set --path -s {stack} kitchen-kontrol:dbRestore.pointInTime latest",
        f"**Preview**: `pulumi preview -s {stack} --policy-pack policies --policy-pack-config "
        f"policies/config.{stack}.json`",
        "**Apply**",
        f"**Verify**: `pulumi stack output -s {stack} databaseInstance`",
        "**Retire the old instance**",
        f"'kitchen-kontrol:dbRetiredInstances[0]' 'kitchen-kontrol-{stack}: unprotect'",
        f"'kitchen-kontrol:dbRetiredInstances[0]' 'kitchen-kontrol-{stack}: release'",
    ]
    positions = [section.index(step) for step in order]
    assert positions == sorted(positions)
    assert "'kitchen-kontrol:dbSnapshots[0]' pre-release-" in section


def test_the_runbook_of_a_restored_stack_names_the_instance_it_runs_on(ops_project):
    from ops.runbook.command import generate

    offline = StackOutputs("teststack", reason="no CLI in this test")
    stack = ops_project.write_ops_stack(dbRestore={"pointInTime": "latest"}, dbSnapshots=["pre-release-1"])
    runbook = generate(stack, ops_project, stack_outputs=offline)
    (restored,) = set(re.findall(r"kitchen-kontrol-teststack-pitr-[0-9a-f]{8}", runbook))
    assert f"The stack runs on `{restored}`, restored as `kitchen-kontrol:dbRestore` records" in runbook
    assert "Declared now: `kitchen-kontrol-teststack-pre-release-1`." in runbook
    assert f"#database:id={restored};" in runbook  # the links and commands follow the instance it runs on
    assert f"rds describe-db-instances --db-instance-identifier {restored}" in runbook


def test_changed_settings_change_the_checklist(ops_project):
    from ops.checklist.command import generate

    # Every credential set (to the canary): checked by name, never shown.
    names = ("AWS_PROFILE", "RENDER_APIKEY", "SENTRY_AUTH_TOKEN", "UPTIMEROBOT_API_KEY", "PULUMI_CONFIG_PASSPHRASE")
    env = dict.fromkeys(names, CANARY_SECRET)
    owner = "tea-abc0123456"  # set, so no owner lookup leaves this machine
    unfinished = generate(
        ops_project.write_ops_stack(dbAllowedCidrs=["203.0.113.0/28"], oncallContacts=ONCALL, renderOwnerId=owner),
        ops_project,
        env=env,
    )
    finished = generate(
        ops_project.write_ops_stack(dbAllowedCidrs=REACHABLE_CIDRS, renderOwnerId=owner), ops_project, env=env
    )
    assert "❌ Render's outbound IPs in `kitchen-kontrol:dbAllowedCidrs`" in unfinished
    assert "❌ The program accepts an update of this stack" in unfinished
    assert "✅ Render's outbound IPs in `kitchen-kontrol:dbAllowedCidrs`" in finished
    assert "✅ The program accepts an update of this stack" in finished
    assert "✅ Provider credentials in the environment" in finished
    assert "☐ manual: Pre-release snapshot taken (`kitchen-kontrol:dbSnapshots`)" in finished
    snapshot = generate(
        ops_project.write_ops_stack(dbAllowedCidrs=REACHABLE_CIDRS, renderOwnerId=owner, dbSnapshots=["pre-rel-1"]),
        ops_project,
        env=env,
    )
    assert "✅ Pre-release snapshot taken (`kitchen-kontrol:dbSnapshots`)" in snapshot
    assert "`kitchen-kontrol-teststack-pre-rel-1`" in snapshot
    assert CANARY_SECRET not in unfinished + finished


class RenderOwners(BaseHTTPRequestHandler):
    """GET /v1/owners as Render answers it, for whatever owners the server holds."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        import json

        self.server.seen.append(self.headers.get("Authorization"))
        status, body = self.server.answer
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def render_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), RenderOwners)
    server.seen, server.answer = [], (200, [])
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _owner(owner_id: str) -> dict:
    return {"cursor": "c", "owner": {"id": owner_id, "name": "n", "type": "team"}}


@pytest.fixture
def finished_facts(ops_project):
    """The settings and offline preview of a finished test stack, for checking single checklist steps."""
    from ops.program.facts import load_facts

    return load_facts(ops_project.write_ops_stack(), ops_project)


@pytest.mark.parametrize(
    ("answer", "status", "expected"),
    [
        ((200, [_owner("tea-abc0123456")]), "done", "the API key sees exactly one workspace, `tea-abc0123456`"),
        (
            (200, [_owner("tea-abc0123456"), _owner("usr-def0123456")]),
            "todo",
            "2 workspaces (tea-abc0123456, usr-def0123456)",
        ),
        ((401, {"message": "unauthorized"}), "todo", "the Render API answered HTTP 401"),
    ],
)
def test_render_owner_is_resolved_with_the_key_never_shown(finished_facts, render_api, answer, status, expected):
    from ops.checklist.accounts import render_owner_step

    render_api.answer = answer
    step = render_owner_step(
        finished_facts, {"RENDER_APIKEY": CANARY_SECRET}, f"http://127.0.0.1:{render_api.server_port}"
    )
    assert step.status == status and expected in step.found
    assert render_api.seen == [f"Bearer {CANARY_SECRET}"]
    assert CANARY_SECRET not in f"{step.found} {step.action}"


def test_credentials_are_checked_by_name_only():
    from ops.checklist.machine import credentials_step

    env = {
        "AWS_ACCESS_KEY_ID": "AKIA" + CANARY_SECRET.upper(),
        "AWS_SECRET_ACCESS_KEY": CANARY_SECRET,
        "SENTRY_AUTH_TOKEN": CANARY_SECRET,
        "UPTIMEROBOT_API_KEY": CANARY_SECRET,
    }
    step = credentials_step(env)
    assert step.status == "todo" and "missing Render: RENDER_APIKEY" in step.found
    assert "AWS (AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY)" in step.found
    assert credentials_step({**env, "RENDER_APIKEY": CANARY_SECRET}).status == "done"
    assert CANARY_SECRET.lower() not in f"{step.found} {step.action}".lower()


def test_committed_encryption_salt_is_found_with_git(ops_project, finished_facts):
    import shutil
    import subprocess

    from ops.checklist.machine import secrets_provider_step

    git = shutil.which("git")
    assert git, "git is needed (this is a git checkout)"
    path = finished_facts.config.path
    path.write_text("encryptionsalt: v1:c2FsdA==:v1:AAAA:BBBB\n" + path.read_text())
    untracked = secrets_provider_step(finished_facts, ops_project, {})
    assert untracked.status == "todo" and "is not tracked by git here" in untracked.found
    run = {"cwd": ops_project, "check": True, "capture_output": True}
    subprocess.run([git, "init", "-q"], **run)
    subprocess.run([git, "add", path.name], **run)
    subprocess.run([git, "-c", "user.name=t", "-c", "user.email=t@kitchen-kontrol.dev", "commit", "-qm", "s"], **run)
    no_passphrase = secrets_provider_step(finished_facts, ops_project, {})
    assert no_passphrase.status == "todo" and "neither PULUMI_CONFIG_PASSPHRASE" in no_passphrase.found
    done = secrets_provider_step(finished_facts, ops_project, {"PULUMI_CONFIG_PASSPHRASE_FILE": "/dev/null"})
    assert done.status == "done" and "carries a passphrase salt (`encryptionsalt`) and is committed" in done.found
    path.write_text(path.read_text() + "# edited\n")
    assert "has uncommitted changes" in secrets_provider_step(finished_facts, ops_project, {}).found


def test_checklist_requires_the_first_deploy_flag(ops_cli):
    proc = ops_cli("checklist", "staging")
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: choose the checklist: --first-deploy")
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", [("runbook",), ("checklist", "--first-deploy"), ("readiness",)])
def test_unknown_stack_is_one_line_exit_2(ops_cli, command):
    proc = ops_cli(command[0], "qa", *command[1:])
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: unknown stack 'qa': no Pulumi.qa.yaml")
    assert proc.stderr.count("\n") == 1


def test_bad_setting_is_one_error_naming_the_key(ops_project):
    from ops.runbook.command import generate
    from ops.shared.errors import UsageError

    stack = ops_project.write_ops_stack(escalationLevels=["soon: primary"])
    with pytest.raises(UsageError, match=r"kitchen-kontrol:escalationLevels: expected entries like"):
        generate(stack, ops_project, stack_outputs=StackOutputs(stack, reason="no CLI in this test"))
