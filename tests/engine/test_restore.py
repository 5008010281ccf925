"""The restore rehearsed by the real engine (issue 30): the rehearsal's `restore:` steps, and what a
later change of the keys does to the restored stack, previewed only (the session's stack stays as it is)."""

from __future__ import annotations

import json
import re

from ops.rehearsal.rehearse_command import json_report
from tests.support.engine import config_commands, steps_of
from tests.support.env import ROOT
from tests.support.preview_text import reviewer_text

RDS = "aws:rds/instance:Instance"


def restore_steps(rehearsal):
    return [step for step in rehearsal.steps if "restore" in step.name]


def test_the_rehearsal_restores_into_a_new_instance_the_stack_moves_to(staging_rehearsal):
    steps = restore_steps(staging_rehearsal)
    assert [step.name for step in steps] == [
        "restore: set dbRestore and dbSnapshots (copy only)",
        "restore: up creates the restored instance",
        "restore: preview --expect-no-changes",
    ]
    assert all(step.ok and step.exit_code == 0 for step in steps), [(s.name, s.notes) for s in steps]
    old, new = staging_rehearsal.restored
    assert old == "kitchen-kontrol-staging" and new.startswith("kitchen-kontrol-staging-pitr-")
    # What the reviewer reads in the update: the new instance and the snapshot created, DATABASE_URL and the
    # three alarms updated in place, nothing replaced or deleted.
    up = reviewer_text(steps[1].output)
    assert f"+  aws:rds:Instance kitchen-kontrol-staging-db-instance-{new.removeprefix(old + '-')} created" in up
    assert "+  aws:rds:Snapshot kitchen-kontrol-staging-db-snapshot-rehearsal-pre-restore created" in up
    assert "~  render:services:EnvVar kitchen-kontrol-staging-web-env-database-url updated" in up
    assert up.count("~  aws:cloudwatch:MetricAlarm") == 6  # three alarms, updating and updated
    assert re.search(rf'databaseInstance +: "{old}" => "{new}"', up)  # padded to the longest output name
    summary = up.split("Resources:", 1)[1].split("Duration", 1)[0]
    assert "+ 2 created" in summary and "~ 4 updated" in summary
    assert "replace" not in summary and "delete" not in summary
    # The JSON report carries the steps readiness reads.
    report = json_report(staging_rehearsal.session.engine, "staging", True, staging_rehearsal.steps, 1.0)
    assert [s["name"] for s in report["steps"] if "restore" in s["name"] and s["ok"]] == [s.name for s in steps]
    # The tracked stack file never saw the restore: only the throwaway copy did.
    assert "dbRestore" not in (ROOT / "Pulumi.staging.yaml").read_text()
    assert "dbRestore" in (staging_rehearsal.project / "Pulumi.staging.yaml").read_text()


def test_the_restored_state_keeps_the_old_instance_protected_and_the_snapshot_on_delete(staging_rehearsal):
    resources = {r["urn"].rsplit("::", 1)[-1]: r for r in staging_rehearsal.state_resources()}
    old, new = staging_rehearsal.restored
    instances = {r["outputs"]["identifier"]: r for r in resources.values() if r["type"] == RDS}
    assert set(instances) == {old, new}
    assert all(r.get("protect") for r in instances.values())
    assert instances[new]["inputs"]["restoreToPointInTime"]["sourceDbInstanceIdentifier"] == old
    (snapshot,) = [r for r in resources.values() if r["type"] == "aws:rds/snapshot:Snapshot"]
    assert snapshot.get("retainOnDelete") is True and snapshot["inputs"]["dbInstanceIdentifier"] == new
    code, outputs, _ = staging_rehearsal.session.run(["stack", "output", "-s", "staging", "--json"])
    assert code == 0 and json.loads(outputs)["databaseInstance"] == new


def test_removing_db_restore_afterwards_restores_nothing_and_replaces_nothing(staging_rehearsal):
    with config_commands(staging_rehearsal, ["rm", "kitchen-kontrol:dbRestore"]):
        code, output, _ = staging_rehearsal.session.run(["preview", "-s", "staging", *staging_rehearsal.policy_flags()])
    # The restored instance would be dropped: `protect` refuses in the preview, before anything changes.
    assert code != 0
    assert "protect" in output
    assert "pitr" in output and "restoreToPointInTime" not in output


def test_retiring_the_old_instance_is_one_in_place_update_once_the_pack_allows_it(staging_rehearsal):
    project = staging_rehearsal.project
    config = json.loads((project / "policies" / "config.staging.json").read_text())
    config["rds-instance-deletion-protection"] = {"retiredInstances": ["kitchen-kontrol-staging"]}
    allowed = project / "policies" / "config.staging.retiring.json"
    allowed.write_text(json.dumps(config))
    phase = ["set", "--path", "kitchen-kontrol:dbRetiredInstances[0]", "kitchen-kontrol-staging: unprotect"]
    with config_commands(staging_rehearsal, phase):
        code, output, _ = staging_rehearsal.session.run(
            ["preview", "-s", "staging", "--json", "--policy-pack", "policies", "--policy-pack-config", str(allowed)]
        )
    assert code == 0, output[-3000:]
    changed = [(s.op, s.name) for s in steps_of(output) if s.op != "same"]
    assert changed == [("update", "kitchen-kontrol-staging-db-instance")]
