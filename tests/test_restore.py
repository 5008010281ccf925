"""Backup and restore as code (issue 30): `dbRestore`, `dbSnapshots` and `dbRetiredInstances`, from the
stack file to the resources the program declares and the plan a reviewer reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from pulumi.runtime.rpc import unwrap_rpc_secret

from ops.plan.document import document
from ops.plan.render import render_text
from ops.program.mocks import PlanMocks
from ops.program.runner import run_plan
from ops.shared.errors import UsageError
from stacks.config_parsing import ConfigError, parse_settings
from tests.support.plan import make_project, resources_of, run_canary_plan
from tests.support.stack_config import raw_from

RDS = "aws:rds/instance:Instance"
SNAPSHOT = "aws:rds/snapshot:Snapshot"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ENV_VAR = "render:services:EnvVar"
OLD = "kitchen-kontrol-teststack"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
AN_HOUR_AGO = "2026-12-06T11:00:00Z"
# What every instance of the stack has, its own or a restore's (components/database.py).
SECURE_DEFAULTS = (
    "storageEncrypted",
    "storageType",
    "parameterGroupName",
    "caCertIdentifier",
    "backupRetentionPeriod",
    "backupWindow",
    "deletionProtection",
    "skipFinalSnapshot",
    "copyTagsToSnapshot",
    "enabledCloudwatchLogsExports",
    "publiclyAccessible",
    "vpcSecurityGroupIds",
    "dbSubnetGroupName",
    "tags",
    "engine",
    "engineVersion",
    "allocatedStorage",
)


@pytest.fixture(scope="module")
def staging_raw(staging_config):
    return raw_from(staging_config)


def parse(raw: dict, stack: str = "teststack", **changes):
    values = {**raw, **{k: v if isinstance(v, str) else json.dumps(v) for k, v in changes.items()}}
    return parse_settings(stack, values, now=NOW)


def error_of(raw: dict, stack: str = "teststack", **changes) -> str:
    with pytest.raises(ConfigError) as caught:
        parse(raw, stack, **changes)
    return str(caught.value)


# -- item 1: the key, its forms and the identity of the restored instance ---------------------------------


@pytest.mark.parametrize(
    ("restore", "kind"),
    [
        ({"pointInTime": "latest"}, "pitr"),
        ({"pointInTime": AN_HOUR_AGO}, "pitr"),
        ({"pointInTime": "2026-12-06T11:00:00+00:00", "sourceDbInstance": "kitchen-kontrol-other"}, "pitr"),
        ({"snapshot": "rds:kitchen-kontrol-teststack-2026-12-05-03-00"}, "snap"),
    ],
)
def test_each_form_gives_a_new_identifier_derived_from_the_restore(staging_raw, restore, kind):
    settings = parse(staging_raw, dbRestore=restore)
    identifier = settings.db_identifier
    assert identifier != OLD and identifier.startswith(f"{OLD}-{kind}-") and len(identifier) <= 63
    assert parse(staging_raw, dbRestore=restore).db_identifier == identifier  # the same restore, the same one
    assert parse(staging_raw).db_identifier == OLD


def test_different_restores_never_share_an_instance(staging_raw):
    forms = [
        {"pointInTime": "latest"},
        {"pointInTime": AN_HOUR_AGO},
        {"pointInTime": "latest", "sourceDbInstance": "kitchen-kontrol-teststack-pitr-0123abcd"},
        {"snapshot": "pre-release"},
    ]
    assert len({parse(staging_raw, dbRestore=form).db_identifier for form in forms}) == len(forms)


# -- item 2: bad values, one clear error naming dbRestore, before any resource ------------------------------


@pytest.mark.parametrize(
    ("restore", "expected"),
    [
        ({"pointInTime": "2026-12-06T13:00:00Z"}, "dbRestore.pointInTime: 2026-12-06T13:00:00Z is in the future"),
        ({"pointInTime": "2026-12-06T11:00:00+02:00"}, 'dbRestore.pointInTime: expected "latest" or an ISO-8601 UTC'),
        ({"pointInTime": "2026-12-06 11:00"}, 'dbRestore.pointInTime: expected "latest" or an ISO-8601 UTC'),
        ({"pointInTime": "yesterday"}, 'dbRestore.pointInTime: expected "latest" or an ISO-8601 UTC'),
        ({"pointInTime": "2026-02-30T11:00:00Z"}, "dbRestore.pointInTime: 2026-02-30T11:00:00Z is not a valid date"),
        (
            {"pointInTime": "2026-11-01T00:00:00Z"},
            "dbRestore: pointInTime 2026-11-01T00:00:00Z is older than the 7-day",
        ),
        (
            {"snapshot": ""},
            "dbRestore.snapshot: expected a snapshot id or a name of kitchen-kontrol:dbSnapshots, got an empty",
        ),
        ({"snapshot": "   "}, "dbRestore.snapshot: expected a snapshot id or a name"),
        (
            {"snapshot": "pre-release", "pointInTime": "latest"},
            "dbRestore: expected either pointInTime or snapshot, not both",
        ),
        ({"sourceDbInstance": OLD}, "dbRestore: expected pointInTime"),
        ({"snapshot": "x", "sourceDbInstance": OLD}, "dbRestore: sourceDbInstance is for pointInTime only"),
        ({"pointInTime": "latest", "when": "now"}, "dbRestore.when"),
    ],
)
def test_a_bad_restore_is_one_clear_error_naming_db_restore(staging_raw, restore, expected):
    message = error_of(staging_raw, dbRestore=restore)
    assert message.startswith("invalid configuration in Pulumi.teststack.yaml (stack 'teststack'): ")
    assert f"kitchen-kontrol:{expected}" in message
    assert message.count("kitchen-kontrol:db") == 1 + message.count("kitchen-kontrol:dbSnapshots") + message.count(
        "kitchen-kontrol:dbBackupRetentionDays"
    )


def test_a_restore_of_production_needs_its_release_window(staging_raw):
    production = {**staging_raw, "appNodeEnv": "production"}
    message = error_of(production, "production", dbRestore={"pointInTime": "latest"})
    assert "kitchen-kontrol:dbRestore: a restore of a production stack needs an open release window" in message
    assert "no release window is set" in message
    window = {
        "stack": "production",
        "approvedBy": "Jane Doe",
        "changeReference": "CHG-1",
        "notBefore": (NOW - timedelta(hours=1)).isoformat(),
        "notAfter": (NOW + timedelta(hours=1)).isoformat(),
    }
    restored = parse(production, "production", dbRestore={"pointInTime": "latest"}, releaseWindow=window)
    assert restored.db_identifier.startswith("kitchen-kontrol-production-pitr-")
    parse(production, "production")  # no restore: the window is the update's business, not the settings'


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"dbRetiredInstances": [f"{OLD}: unprotect"]},
            "kitchen-kontrol:dbRestore: unset, so the stack would run on kitchen-kontrol-teststack, which "
            "dbRetiredInstances retires",
        ),
        ({"dbRetiredInstances": [f"{OLD}: delete"]}, "kitchen-kontrol:dbRetiredInstances: expected entries like"),
        ({"dbRetiredInstances": [OLD]}, "kitchen-kontrol:dbRetiredInstances: expected entries like"),
        (
            {"dbRestore": {"pointInTime": "latest"}, "dbRetiredInstances": ["kitchen-kontrol-other: keep"]},
            "kitchen-kontrol:dbRetiredInstances: kitchen-kontrol-other is not an instance of this stack",
        ),
        (
            {"dbRestore": {"pointInTime": "latest"}, "dbRetiredInstances": [f"{OLD}: keep", f"{OLD}: release"]},
            "kitchen-kontrol:dbRetiredInstances: expected each instance once",
        ),
        ({"dbSnapshots": ["Pre Release"]}, "kitchen-kontrol:dbSnapshots[0]: expected a value matching"),
        ({"dbSnapshots": ["a", "a"]}, "kitchen-kontrol:dbSnapshots: expected each snapshot name once"),
    ],
)
def test_bad_retirements_and_snapshots_are_refused_by_name(staging_raw, changes, expected):
    assert expected in error_of(staging_raw, **changes)


def test_the_instance_the_stack_runs_on_cannot_be_retired(staging_raw):
    current = parse(staging_raw, dbRestore={"pointInTime": "latest"}).db_identifier
    message = error_of(staging_raw, dbRestore={"pointInTime": "latest"}, dbRetiredInstances=[f"{current}: unprotect"])
    assert f"kitchen-kontrol:dbRetiredInstances: {current} is the instance the stack runs on" in message


def test_a_bad_restore_declares_nothing(plans):
    mocks = PlanMocks(preview=False)
    stack = plans.project.write_stack("bad-restore", dbRestore={"pointInTime": "latest", "snapshot": "pre-release"})
    with pytest.raises(UsageError) as caught:
        run_plan(stack, preview=False, root=plans.project, mocks=mocks)
    assert "kitchen-kontrol:dbRestore: expected either pointInTime or snapshot, not both" in str(caught.value)
    assert mocks.registered == 0  # refused before the first resource, like every config error


# -- item 1 and 3: what the program declares ----------------------------------------------------------------


class Plans:
    """Update-phase plans of one throwaway project, each stack planned once."""

    def __init__(self, project):
        self.project = project
        self.cache: dict[str, object] = {}

    def of(self, name: str, **overrides):
        key = json.dumps([name, overrides], sort_keys=True)
        if key not in self.cache:
            self.cache[key] = run_canary_plan(
                self.project.write_stack(name, **overrides), preview=False, root=self.project
            )
        return self.cache[key]


@pytest.fixture(scope="module")
def plans(tmp_path_factory, staging_config) -> Plans:
    return Plans(make_project(tmp_path_factory.mktemp("restore"), staging_config))


def by_identifier(result) -> dict:
    return {r.inputs["identifier"]: r for r in resources_of(result, RDS)}


def database_url(result) -> str:
    (env,) = [r for r in resources_of(result, ENV_VAR) if r.inputs["envVarKey"] == "DATABASE_URL"]
    return unwrap_rpc_secret(env.inputs["value"])


def test_a_point_in_time_restore_is_a_new_instance_the_stack_moves_to(plans):
    before = plans.of("teststack")
    after = plans.of("teststack", dbRestore={"pointInTime": "latest"}, dbSnapshots=["pre-release"])
    (old_before,) = resources_of(before, RDS)
    instances = by_identifier(after)
    (new_id,) = set(instances) - {OLD}
    old, new = instances[OLD], instances[new_id]
    # The old instance: the same resource with the same inputs, still protected: nothing replaced or changed.
    assert (old.urn, old.inputs, old.protect) == (old_before.urn, old_before.inputs, True)
    assert new.protect and new.urn.endswith(f"::{old.name}-{new_id.removeprefix(OLD + '-')}")
    assert new.inputs["restoreToPointInTime"] == {"sourceDbInstanceIdentifier": OLD, "useLatestRestorableTime": True}
    assert "snapshotIdentifier" not in new.inputs and "dbName" not in new.inputs  # the backup brings its own
    assert {k: new.inputs.get(k) for k in SECURE_DEFAULTS} == {k: old.inputs.get(k) for k in SECURE_DEFAULTS}
    assert new.inputs["finalSnapshotIdentifier"] == f"{new_id}-final"
    assert unwrap_rpc_secret(new.inputs["password"]) == unwrap_rpc_secret(old.inputs["password"])
    # Everything that follows the endpoint follows the new instance, in the same update.
    assert f"@{new_id}.placeholder.rds.amazonaws.com:5432/" in database_url(after)
    assert f"@{OLD}.placeholder" in database_url(before)
    assert {a.inputs["dimensions"]["DBInstanceIdentifier"] for a in resources_of(after, ALARM)} == {new_id}
    assert after.outputs["databaseInstance"] == new_id and after.outputs["databaseEndpoint"].startswith(new_id)
    # A snapshot of dbSnapshots is of the instance the stack runs on.
    (snapshot,) = resources_of(after, SNAPSHOT)
    assert snapshot.inputs["dbInstanceIdentifier"] == new_id
    assert snapshot.inputs["dbSnapshotIdentifier"] == f"{OLD}-pre-release"


def test_a_point_in_time_names_its_time_and_source(plans):
    result = plans.of("pitr-time", dbRestore={"pointInTime": "2026-12-06T11:00:00Z", "sourceDbInstance": "kk-old"})
    (new,) = [r for r in resources_of(result, RDS) if "restoreToPointInTime" in r.inputs]
    assert new.inputs["restoreToPointInTime"] == {
        "sourceDbInstanceIdentifier": "kk-old",
        "restoreTime": "2026-12-06T11:00:00Z",
    }


def test_a_restore_from_a_snapshot_of_the_stack_depends_on_it(plans):
    result = plans.of("snap-own", dbRestore={"snapshot": "pre-release"}, dbSnapshots=["pre-release", "later"])
    snapshots = {r.inputs["dbSnapshotIdentifier"]: r for r in resources_of(result, SNAPSHOT)}
    instances = by_identifier(result)
    (new_id,) = set(instances) - {"kitchen-kontrol-snap-own"}
    assert new_id.startswith("kitchen-kontrol-snap-own-snap-")
    # Restored from the snapshot's own output (a dependency), which is of the instance the restore replaces.
    assert instances[new_id].inputs["snapshotIdentifier"] == "kitchen-kontrol-snap-own-pre-release"
    assert (
        snapshots["kitchen-kontrol-snap-own-pre-release"].inputs["dbInstanceIdentifier"] == "kitchen-kontrol-snap-own"
    )
    assert snapshots["kitchen-kontrol-snap-own-later"].inputs["dbInstanceIdentifier"] == new_id
    foreign = plans.of("snap-id", dbRestore={"snapshot": "rds:kk-2026-12-05-03-00"})
    assert any(r.inputs.get("snapshotIdentifier") == "rds:kk-2026-12-05-03-00" for r in resources_of(foreign, RDS))


def test_retiring_the_old_instance_takes_two_deliberate_updates(plans):
    restore = {"pointInTime": "latest"}
    unprotect = by_identifier(
        plans.of("teststack-u", dbRestore=restore, dbRetiredInstances=["kitchen-kontrol-teststack-u: unprotect"])
    )
    old = unprotect["kitchen-kontrol-teststack-u"]
    assert not old.protect and old.inputs["deletionProtection"] is False
    assert old.inputs["finalSnapshotIdentifier"] == "kitchen-kontrol-teststack-u-final"
    released = by_identifier(
        plans.of("teststack-r", dbRestore=restore, dbRetiredInstances=["kitchen-kontrol-teststack-r: release"])
    )
    assert list(released) == [parse_for("teststack-r", restore)]
    assert all(r.protect and r.inputs["deletionProtection"] is True for r in released.values())


def parse_for(stack: str, restore: dict) -> str:
    from stacks.settings.restore import DatabaseRestore, restored_identifier

    return restored_identifier(f"kitchen-kontrol-{stack}", DatabaseRestore.model_validate(restore))


def test_an_instance_kept_from_an_earlier_restore_keeps_its_creation_inputs(plans):
    first = parse_for("chain", {"pointInTime": "latest"})
    result = plans.of(
        "chain",
        dbRestore={"pointInTime": "latest", "sourceDbInstance": first},
        dbRetiredInstances=[f"{first}: keep"],
    )
    instances = by_identifier(result)
    assert set(instances) == {
        "kitchen-kontrol-chain",
        first,
        parse_for("chain", {"pointInTime": "latest", "sourceDbInstance": first}),
    }
    assert instances[first].protect and "restoreToPointInTime" not in instances[first].inputs


def test_the_plan_shows_the_restored_instance_its_source_and_the_kept_one(plans):
    text = render_text(
        document(plans.of("teststack", dbRestore={"pointInTime": "latest"}, dbSnapshots=["pre-release"])), width=0
    )
    new_id = parse_for("teststack", {"pointInTime": "latest"})
    assert f"Database: DATABASE_URL, databaseEndpoint and the alarms follow {new_id}" in text
    assert f"{new_id}: runs the app: NEW instance restored from {OLD} at its latest restorable time" in text
    assert f"{OLD}: kept, protected (deletionProtection true), until dbRetiredInstances retires it" in text
    assert f"snapshot {OLD}-pre-release of {new_id}: kept when the stack drops it" in text
    assert "Database:" not in render_text(document(plans.of("plain")), width=0)
