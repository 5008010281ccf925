"""The staging rehearsal's restore: `dbRestore` applied through the real engine.

On the throwaway copy only (`pulumi config set --path` there, never the tracked stack file): a
point-in-time restore and a manual snapshot are set, one `up` applies them, and the decrypted state
before and after shows a new instance under a new identifier, DATABASE_URL and the alarms moved to it
with the same credentials, the old instance still declared and protected, the snapshot kept on delete;
then a preview must show no change. Nothing the check reads is ever printed: the state is compared here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from ops.rehearsal.engine import Step

RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_SNAPSHOT = "aws:rds/snapshot:Snapshot"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SNAPSHOT_NAME = "rehearsal-pre-restore"
# The documented commands (runbook: Backup and restore), as the rehearsal runs them on its copy.
RESTORE_CONFIG = (
    ("dbRestore.pointInTime", "latest"),
    ("dbSnapshots[0]", SNAPSHOT_NAME),
)

Check = Callable[[Any, Step], list[str]]


def restore_steps(rehearsal: Any) -> list[tuple[Step, Check]]:
    s = ["-s", rehearsal.stack]
    # One CLI start for both keys (the runbook's two `config set --path` lines, as `set-all --path`).
    set_all = ["config", "set-all", "--path", *s]
    for key, value in RESTORE_CONFIG:
        set_all += ["--plaintext", f"kitchen-kontrol:{key}={value}"]
    up = ["up", *s, "--yes", "--skip-preview", *rehearsal.policy_flags()]
    settle = ["preview", *s, "--expect-no-changes", *rehearsal.policy_flags()]
    return [
        (Step("restore: set dbRestore and dbSnapshots (copy only)", set_all), _state_before),
        (Step("restore: up creates the restored instance", up), _restored),
        (Step("restore: preview --expect-no-changes", settle), lambda _r, _s: []),
    ]


def decrypted_state(rehearsal: Any) -> dict:
    """The stack's state with its secrets in plain text, kept in memory only."""
    code, output, _ = rehearsal.session.run(["stack", "export", "-s", rehearsal.stack, "--show-secrets"])
    if code != 0:
        return {}
    return json.loads(output).get("deployment", {})


def _state_before(rehearsal: Any, step: Step) -> list[str]:
    rehearsal.before_restore = decrypted_state(rehearsal)
    instances = _of_type(rehearsal.before_restore, RDS_INSTANCE)
    return [] if len(instances) == 1 else [f"expected one RDS instance before the restore, found {len(instances)}"]


def _restored(rehearsal: Any, step: Step) -> list[str]:
    before, rehearsal.before_restore = getattr(rehearsal, "before_restore", {}), {}  # held no longer than needed
    after = decrypted_state(rehearsal)
    if not before or not after:
        return ["could not read the stack's state before and after the restore"]
    (old,) = _of_type(before, RDS_INSTANCE)
    old_id = old["outputs"]["identifier"]
    instances = {r["outputs"].get("identifier"): r for r in _of_type(after, RDS_INSTANCE)}
    new = [r for identifier, r in instances.items() if identifier != old_id]
    problems = []
    if old_id not in instances:
        problems.append(f"the old instance {old_id} is no longer in the state")
    elif not instances[old_id].get("protect") or old["urn"] != instances[old_id]["urn"]:
        problems.append(f"the old instance {old_id} is no longer the same protected resource")
    elif instances[old_id]["outputs"].get("deletionProtection") is not True:
        problems.append(f"the old instance {old_id} lost its deletion protection")
    if len(new) != 1:
        return [*problems, f"expected one new RDS instance, found {len(new)}"]
    restored = new[0]
    new_id = restored["outputs"]["identifier"]
    point = restored["inputs"].get("restoreToPointInTime") or {}
    if point.get("sourceDbInstanceIdentifier") != old_id or point.get("useLatestRestorableTime") is not True:
        problems.append(f"{new_id} is not a restore of {old_id} at its latest restorable time")
    if not restored.get("protect"):
        problems.append(f"{new_id} is not protected")
    for key in ("storageEncrypted", "deletionProtection", "copyTagsToSnapshot"):
        if restored["inputs"].get(key) is not True:
            problems.append(f"{new_id}: {key} is not true")
    for key in ("parameterGroupName", "enabledCloudwatchLogsExports", "backupRetentionPeriod", "tags"):
        if restored["inputs"].get(key) != old["inputs"].get(key):
            problems.append(f"{new_id}: {key} differs from the old instance's")
    problems += _url_moved(before, after, old_id, new_id)
    dimensions = {a["inputs"].get("dimensions", {}).get("DBInstanceIdentifier") for a in _of_type(after, ALARM)}
    if dimensions != {new_id}:
        problems.append(f"the alarms watch {sorted(map(str, dimensions))}, not {new_id}")
    snapshots = _of_type(after, RDS_SNAPSHOT)
    if len(snapshots) != 1 or not snapshots[0].get("retainOnDelete"):
        problems.append(f"expected the snapshot {SNAPSHOT_NAME}, kept on delete (retainOnDelete)")
    rehearsal.restored = (old_id, new_id)
    rehearsal.after_update = rehearsal.declared()  # what a later destroy must leave: the restored stack
    return problems


def _url_moved(before: dict, after: dict, old_id: str, new_id: str) -> list[str]:
    old_url, new_url = _output(before, "databaseUrl"), _output(after, "databaseUrl")
    if not isinstance(old_url, str) or not isinstance(new_url, str):
        return ["databaseUrl is missing from the decrypted state"]
    old_parts, new_parts = urlsplit(old_url), urlsplit(new_url)
    problems = []
    if not (old_parts.hostname or "").startswith(f"{old_id}.") or not (new_parts.hostname or "").startswith(
        f"{new_id}."
    ):
        problems.append(f"DATABASE_URL did not move from {old_id} to {new_id}")
    # Same user, password, database and TLS mode: only the host moved (never printed, compared here).
    if (old_parts.username, old_parts.password, old_parts.path, old_parts.query) != (
        new_parts.username,
        new_parts.password,
        new_parts.path,
        new_parts.query,
    ):
        problems.append("DATABASE_URL changed more than its host")
    if _output(after, "databaseInstance") != new_id:
        problems.append(f"the databaseInstance output is not {new_id}")
    return problems


def _of_type(deployment: dict, type_: str) -> list[dict]:
    return [r for r in deployment.get("resources") or [] if r["type"] == type_]


def _output(deployment: dict, name: str) -> Any:
    (stack,) = _of_type(deployment, "pulumi:pulumi:Stack") or [{}]
    value = (stack.get("outputs") or {}).get(name)
    if isinstance(value, dict) and "plaintext" in value:
        return json.loads(value["plaintext"])
    return value
