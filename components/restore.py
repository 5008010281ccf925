"""Which RDS instances a PostgresDatabase declares, and how: the stack's own, a restore's, retired ones.

Standard library only. A restore never reuses an identifier: the restored instance is
`<identifier>-<suffix>` (the suffix derived from the restore by the settings), declared beside the
instance it replaces, which stays declared and protected. An instance the stack no longer runs on
goes through `keep` (declared, protected: the default for the one a restore replaced), `unprotect`
(declared with neither `protect` nor RDS deletion protection: one in-place update, which the policy
pack allows only for the identifiers its owners list in `retiredInstances`) and `release` (no longer
declared: the next update deletes it, and RDS writes its final snapshot first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Mapping, Optional

LATEST = "latest"
SUFFIX = re.compile(r"^(pitr|snap)-[0-9a-f]{8}$")
Phase = Literal["current", "keep", "unprotect"]
RETIRE_PHASES = ("keep", "unprotect", "release")


@dataclass(frozen=True, kw_only=True)
class DatabaseRestoreSpec:
    """A restore: a point in time ("latest" or an ISO-8601 UTC time) of `source_db_instance`, or a snapshot
    (an AWS snapshot id, or the name of one of the component's own snapshots)."""

    suffix: str
    point_in_time: Optional[str] = None
    snapshot: Optional[str] = None
    source_db_instance: Optional[str] = None

    def __post_init__(self) -> None:
        if (self.point_in_time is None) == (self.snapshot is None):
            raise ValueError("restore: expected exactly one of point_in_time and snapshot")
        if not self.suffix.startswith("pitr-" if self.point_in_time is not None else "snap-"):
            raise ValueError("restore.suffix: expected pitr-… for a point in time, snap-… for a snapshot")
        if not SUFFIX.match(self.suffix):
            raise ValueError("restore.suffix: expected pitr-XXXXXXXX or snap-XXXXXXXX (8 hex digits)")
        if self.snapshot is not None and not self.snapshot.strip():
            raise ValueError("restore.snapshot: expected a snapshot id or name")

    @property
    def latest(self) -> bool:
        return self.point_in_time == LATEST


@dataclass(frozen=True)
class DeclaredInstance:
    identifier: str
    logical_suffix: str  # "" for the stack's own instance, else "-pitr-…"/"-snap-…"
    phase: Phase
    restore: Optional[DatabaseRestoreSpec] = None  # set on the instance a restore creates

    @property
    def original(self) -> bool:
        return self.logical_suffix == ""


def declared_instances(
    identifier: str, restore: Optional[DatabaseRestoreSpec], retired: Mapping[str, str]
) -> list[DeclaredInstance]:
    """The instances to declare, the current one last; raises ValueError for a retirement that cannot be."""
    current = f"{identifier}-{restore.suffix}" if restore else identifier
    problems = []
    for name, phase in retired.items():
        if phase not in RETIRE_PHASES:
            problems.append(f"retired[{name}]: expected one of {', '.join(RETIRE_PHASES)}")
        if name == current:
            problems.append(f"retired[{name}]: the instance the database runs on cannot be retired")
        elif name != identifier and not _restore_of(name, identifier):
            problems.append(f"retired[{name}]: not an instance of {identifier}")
    if problems:
        raise ValueError("; ".join(problems))
    declared = []
    if restore is not None and identifier not in retired:
        declared.append(DeclaredInstance(identifier, "", "keep"))
    for name, phase in retired.items():
        if phase != "release":
            suffix = "" if name == identifier else f"-{name[len(identifier) + 1 :]}"
            declared.append(DeclaredInstance(name, suffix, phase))  # type: ignore[arg-type]
    declared.append(DeclaredInstance(current, f"-{restore.suffix}" if restore else "", "current", restore))
    return declared


def _restore_of(name: str, identifier: str) -> bool:
    return name.startswith(f"{identifier}-") and SUFFIX.match(name[len(identifier) + 1 :]) is not None
