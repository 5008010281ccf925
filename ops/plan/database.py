"""The plan's database section: which RDS instance the stack runs on, what a restore reads, which instances
are kept and which snapshots are taken. Printed only when there is more than the stack's own instance."""

from __future__ import annotations

from typing import Any, Mapping

from ops.shared.text_layout import wrap

RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_SNAPSHOT = "aws:rds/snapshot:Snapshot"
CURRENT_OUTPUT = "databaseInstance"


def database_lines(document: Mapping[str, Any], width: int) -> list[str]:
    instances = [r for r in document["resources"] if r["type"] == RDS_INSTANCE]
    snapshots = [r for r in document["resources"] if r["type"] == RDS_SNAPSHOT]
    if len(instances) <= 1 and not snapshots:
        return []
    current = document["outputs"].get(CURRENT_OUTPUT)
    lines = wrap(
        f"Database: DATABASE_URL, databaseEndpoint and the alarms follow {current or 'the last instance'}", width, ""
    )
    for resource in sorted(instances, key=lambda r: r["inputs"].get("identifier") != current):
        inputs = resource["inputs"]
        identifier = inputs.get("identifier", resource["name"])
        if identifier == current:
            what = f"runs the app: {_origin(inputs)}"
        elif resource["protect"]:
            protection = str(inputs.get("deletionProtection")).lower()
            what = f"kept, protected (deletionProtection {protection}), until dbRetiredInstances retires it"
        else:
            what = "RETIRING: protect and deletion protection off; release it in dbRetiredInstances to delete it"
        lines += wrap(f"{identifier}: {what}", width, "    ", "        ")
    for resource in snapshots:
        inputs = resource["inputs"]
        lines += wrap(
            f"snapshot {inputs.get('dbSnapshotIdentifier')} of {inputs.get('dbInstanceIdentifier')}: "
            "kept when the stack drops it (retainOnDelete)",
            width,
            "    ",
            "        ",
        )
    return lines


def _origin(inputs: Mapping[str, Any]) -> str:
    point = inputs.get("restoreToPointInTime")
    if isinstance(point, Mapping):
        when = "its latest restorable time" if point.get("useLatestRestorableTime") else point.get("restoreTime")
        return f"NEW instance restored from {point.get('sourceDbInstanceIdentifier')} at {when}"
    if inputs.get("snapshotIdentifier"):
        return f"NEW instance restored from snapshot {inputs['snapshotIdentifier']}"
    return "the stack's own instance"
