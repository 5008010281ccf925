"""`kitchen-kontrol:dbRestore`, `dbSnapshots` and `dbRetiredInstances`: backup and restore as code.

`dbRestore` records the restore the stack's database runs on: the next `up` creates a new instance from
it (never under the old identifier) and moves DATABASE_URL, the alarms and the outputs to it, while the
instance it replaces stays declared and protected. Once applied the key stays in the stack file: it is
what the stack's database *is*. Removing it would ask for the old instance again and the deletion of the
restored one, which `protect` refuses in the preview. The old instance is retired later, in two
deliberate updates through `dbRetiredInstances` (`unprotect`, then `release`), never by a state edit.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Optional

from pydantic import Field, ValidationInfo, field_validator, model_validator

from stacks.settings.base import PROJECT, SettingsModel

RESTORE_KEY = f"{PROJECT}:dbRestore"
LATEST = "latest"
# RDS instance and snapshot identifiers: a letter, then letters, digits and single hyphens.
RDS_IDENTIFIER_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
SNAPSHOT_NAME_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
# A snapshot id as AWS names them: a manual one, an automated one (rds:…), or a shared one's ARN.
SNAPSHOT_ID_PATTERN = r"^(rds:)?[A-Za-z][A-Za-z0-9-]{0,254}$|^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:snapshot:.+$"
_UTC_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|\+00:00)$")
UTC_EXAMPLE = "2026-12-01T09:30:00Z"
RETIRE_PHASES = ("keep", "unprotect", "release")
RETIRE_FORMAT = '"kitchen-kontrol-staging: keep", "…: unprotect" or "…: release"'


class DatabaseRestore(SettingsModel):
    """One restore: a point in time of an instance's automated backups, or a snapshot."""

    point_in_time: Optional[str] = Field(
        default=None,
        alias="pointInTime",
        description=f'"latest" (the latest restorable time) or an ISO-8601 UTC time such as {UTC_EXAMPLE}.',
    )
    snapshot: Optional[str] = Field(
        default=None,
        description="A snapshot id, or the name of one of kitchen-kontrol:dbSnapshots.",
    )
    source_db_instance: Optional[str] = Field(
        default=None,
        alias="sourceDbInstance",
        pattern=RDS_IDENTIFIER_PATTERN,
        max_length=63,
        description="The instance whose backups a point-in-time restore reads; default: the stack's own.",
    )

    @field_validator("point_in_time")
    @classmethod
    def _utc_time(cls, value: Optional[str], info: ValidationInfo) -> Optional[str]:
        if value is None or value == LATEST:
            return value
        if not _UTC_TIME.match(value):
            raise ValueError(f'expected "latest" or an ISO-8601 UTC time such as {UTC_EXAMPLE} (Z or +00:00)')
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{value} is not a valid date and time; expected e.g. {UTC_EXAMPLE}") from None
        now = (info.context or {}).get("now") or datetime.now(UTC)
        if when > now:
            raise ValueError(f"{value} is in the future; expected a time before now ({now:%Y-%m-%dT%H:%M:%SZ})")
        return value

    @field_validator("snapshot")
    @classmethod
    def _snapshot_id(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return value
        if not value.strip():
            raise ValueError("expected a snapshot id or a name of kitchen-kontrol:dbSnapshots, got an empty one")
        if not re.match(SNAPSHOT_ID_PATTERN, value):
            raise ValueError("expected a snapshot id (letters, digits, hyphens; rds:… or an RDS snapshot ARN)")
        return value

    @model_validator(mode="after")
    def _one_form(self) -> DatabaseRestore:
        if self.point_in_time is not None and self.snapshot is not None:
            raise ValueError("expected either pointInTime or snapshot, not both")
        if self.point_in_time is None and self.snapshot is None:
            raise ValueError('expected pointInTime ("latest" or an ISO-8601 UTC time) or snapshot')
        if self.snapshot is not None and self.source_db_instance is not None:
            raise ValueError("sourceDbInstance is for pointInTime only: a snapshot names its own instance")
        return self

    @property
    def kind(self) -> Literal["pitr", "snap"]:
        return "pitr" if self.point_in_time is not None else "snap"

    def suffix(self, default_source: str) -> str:
        """What the restored instance's identifier adds to the stack's: the kind and a digest of the restore,
        so the same restore always gives the same instance and another one never does."""
        canonical = f"{self.kind}|{self.point_in_time or self.snapshot}|{self.source_db_instance or default_source}"
        return f"{self.kind}-{hashlib.sha256(canonical.encode()).hexdigest()[:8]}"

    def oldest_time_problem(self, retention_days: int, now: datetime) -> Optional[str]:
        if self.point_in_time in (None, LATEST):
            return None
        when = datetime.fromisoformat(self.point_in_time.replace("Z", "+00:00"))
        oldest = now - timedelta(days=retention_days)
        if when < oldest:
            return (
                f"pointInTime {self.point_in_time} is older than the {retention_days}-day backup retention "
                f"(kitchen-kontrol:dbBackupRetentionDays); expected a time after {oldest:%Y-%m-%dT%H:%M:%SZ}"
            )
        return None


def parse_retired(values: Any) -> Any:
    """`"IDENTIFIER: PHASE"` entries into (identifier, phase) pairs, or a clear error."""
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
        return values
    parsed = []
    for value in values:
        identifier, _, phase = (part.strip() for part in value.partition(":"))
        if phase not in RETIRE_PHASES or not re.match(RDS_IDENTIFIER_PATTERN, identifier) or len(identifier) > 63:
            raise ValueError(f"expected entries like {RETIRE_FORMAT}")
        parsed.append((identifier, phase))
    seen = [identifier for identifier, _ in parsed]
    if len(seen) != len(set(seen)):
        raise ValueError("expected each instance once")
    return tuple(parsed)


def restored_identifier(prefix: str, restore: DatabaseRestore) -> str:
    return f"{prefix}-{restore.suffix(prefix)}"


def restore_problem(prefix: str, database: Any, now: datetime) -> Optional[tuple[str, str]]:
    """(key, why) when dbRestore or dbRetiredInstances does not fit the stack; None when they do."""
    restore = database.restore
    current = restored_identifier(prefix, restore) if restore else prefix
    known = re.compile(rf"^{re.escape(prefix)}(-(pitr|snap)-[0-9a-f]{{8}})?$")
    for identifier, _phase in database.retired_instances:
        if identifier == current and restore is None:
            return (
                "dbRestore",
                f"unset, so the stack would run on {prefix}, which dbRetiredInstances retires; dbRestore records "
                "the restore the stack runs on: keep it in the stack file",
            )
        if identifier == current:
            return (
                "dbRetiredInstances",
                f"{identifier} is the instance the stack runs on (dbRestore's); retire only one it no longer runs on",
            )
        if not known.match(identifier):
            return (
                "dbRetiredInstances",
                f"{identifier} is not an instance of this stack; expected {prefix} or a restore's {prefix}-pitr-… "
                f"or {prefix}-snap-…",
            )
    if restore is not None:
        if restore.source_db_instance == current:
            return "dbRestore", "sourceDbInstance is the restored instance itself; expected the one to restore from"
        too_old = restore.oldest_time_problem(database.backup_retention_days, now)
        if too_old:
            return "dbRestore", too_old
    return None
