"""What the cloud would answer, without a cloud: invoke results and the values a provider computes
when it creates a resource. One source for the offline plan's mocks (`ops.program.mocks`) and the
rehearsal's stand-in providers (`ops.rehearsal.standin`); every value is plainly a placeholder."""

from __future__ import annotations

import hashlib
import secrets
import string
from typing import Any, Callable

import pulumi

PLACEHOLDER_ACCOUNT = "000000000000"

# Invoke answers cannot be real offline; every value says so.
PLACEHOLDER_INVOKES: dict[str, dict[str, Any]] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": {
        "id": "placeholder-region",
        "names": ["placeholder-az-a", "placeholder-az-b"],
        "zoneIds": ["placeholder-az-id-a", "placeholder-az-id-b"],
    },
    "aws:ec2/getSubnets:getSubnets": {"id": "placeholder", "ids": ["subnet-placeholder-a", "subnet-placeholder-b"]},
    "aws:index/getCallerIdentity:getCallerIdentity": {
        "id": PLACEHOLDER_ACCOUNT,
        "accountId": PLACEHOLDER_ACCOUNT,
        "arn": f"arn:aws:iam::{PLACEHOLDER_ACCOUNT}:user/placeholder",
        "userId": "placeholder",
    },
    "render:owners:listOwners": {
        "items": [
            {"cursor": "placeholder", "owner": {"id": "tea-placeholder0000", "name": "placeholder", "type": "team"}}
        ]
    },
}

SecretSource = Callable[[int, str], str]


def random_secret(length: int, specials: str) -> str:
    alphabet = string.ascii_letters + string.digits + specials
    return "".join(secrets.choice(alphabet) for _ in range(length))


def invoke_result(token: str) -> dict[str, Any] | None:
    return PLACEHOLDER_INVOKES.get(token)


def _stable_hex(*parts: str, length: int = 32) -> str:
    # Deterministic per resource, so two runs of the same program compute the same values.
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def preview_outputs(resource_type: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """What a create's preview adds to the echoed inputs: values only the apply will know, unknown as the
    engine leaves them (a program's `apply` on them does not run in a preview)."""
    if resource_type == "render:services:WebService":
        return {"serviceDetails": {**inputs.get("serviceDetails", {}), "url": pulumi.UNKNOWN}}
    if resource_type == "render:projects:Project":
        return {"environmentIds": pulumi.UNKNOWN}
    return {}


def computed_outputs(
    resource_type: str, name: str, inputs: dict[str, Any], secret_source: SecretSource = random_secret
) -> dict[str, Any]:
    """The values a provider adds to a created resource's inputs; an `id` key, when present, is its id."""
    if resource_type == "random:index/randomPassword:RandomPassword":
        specials = inputs.get("overrideSpecial", "") if inputs.get("special", True) else ""
        return {"result": secret_source(int(inputs.get("length", 16)), specials)}
    if resource_type == "aws:rds/instance:Instance":
        identifier = inputs.get("identifier", name)
        address = f"{identifier}.placeholder.rds.amazonaws.com"
        return {
            "address": address,
            "port": 5432,
            "endpoint": f"{address}:5432",
            "arn": f"arn:aws:rds:placeholder:{PLACEHOLDER_ACCOUNT}:db:{identifier}",
            **_restored(inputs),
        }
    if resource_type == "aws:rds/snapshot:Snapshot":
        snapshot = inputs.get("dbSnapshotIdentifier", name)
        return {
            "id": snapshot,
            "dbSnapshotArn": f"arn:aws:rds:placeholder:{PLACEHOLDER_ACCOUNT}:snapshot:{snapshot}",
            "snapshotType": "manual",
            "status": "available",
            "encrypted": True,
            "engine": "postgres",
        }
    if resource_type == "render:services:WebService":
        return {
            "id": "srv-placeholder",
            "dashboardUrl": "https://dashboard.render.com/web/srv-placeholder",
            "serviceDetails": {
                **inputs.get("serviceDetails", {}),
                "url": f"https://{inputs.get('name', name)}.onrender.com",
            },
        }
    if resource_type == "render:projects:Project":
        # Render answers with the ids of the environments created inline, in order.
        return {
            "id": f"prj-placeholder{_stable_hex(name, length=8)}",
            "environmentIds": [
                f"evm-placeholder{_stable_hex(name, e.get('name', ''), length=8)}"
                for e in inputs.get("environments", [])
            ],
        }
    if resource_type == "render:environments:Environment":
        return {"id": f"evm-placeholder{_stable_hex(name, length=8)}"}
    if resource_type == "render:services:EnvVar":
        return {"key": inputs.get("envVarKey")}
    if resource_type.startswith("pulumi-python:dynamic/uptimerobot:"):
        # The dynamic provider's create: a numeric id (from the name, so runs agree), and for a
        # monitor its dashboard link. (The rehearsal runs the real dynamic provider instead.)
        monitor_id = str(800000000 + int(_stable_hex(name, length=6), 16))
        outputs: dict[str, Any] = {"id": monitor_id, "status": "NOT_CHECKED"}
        if resource_type.endswith(":Monitor"):
            outputs["dashboard_url"] = f"https://dashboard.uptimerobot.com/monitors/{monitor_id}"
        return outputs
    if resource_type.startswith("sentry:"):
        return _sentry_outputs(resource_type, name, inputs)
    if resource_type.startswith("aws:"):
        # The provider auto-names what the program leaves unnamed (name + random suffix).
        return {
            "arn": f"arn:aws:placeholder:placeholder:{PLACEHOLDER_ACCOUNT}:{name}",
            "name": inputs.get("name", f"{name}-0000000"),
        }
    return {}


def _restored(inputs: dict[str, Any]) -> dict[str, Any]:
    """A restored instance: a new endpoint (above, from its own identifier) and its source's engine and storage,
    which RDS takes from the backup where the program leaves them out."""
    if not (inputs.get("restoreToPointInTime") or inputs.get("snapshotIdentifier")):
        return {}
    return {
        "engine": inputs.get("engine", "postgres"),
        "allocatedStorage": inputs.get("allocatedStorage", 20),
        "storageEncrypted": inputs.get("storageEncrypted", True),
        "dbName": inputs.get("dbName", "placeholder_restored_db"),
        "username": inputs.get("username", "placeholder_restored_user"),
    }


def input_problems(resource_type: str, inputs: dict[str, Any]) -> list[tuple[str, str]]:
    """(property, why) for inputs AWS refuses before it creates anything: a restore must name one source."""
    if resource_type != "aws:rds/instance:Instance":
        return []
    point = inputs.get("restoreToPointInTime")
    problems = []
    if point and inputs.get("snapshotIdentifier"):
        problems.append(("snapshotIdentifier", "conflicts with restoreToPointInTime: restore from one source"))
    if isinstance(point, dict):
        if not (point.get("sourceDbInstanceIdentifier") or point.get("sourceDbiResourceId")):
            problems.append(("restoreToPointInTime", "names no source instance"))
        if point.get("useLatestRestorableTime") and point.get("restoreTime"):
            problems.append(("restoreToPointInTime", "restoreTime conflicts with useLatestRestorableTime"))
        if not (point.get("useLatestRestorableTime") or point.get("restoreTime")):
            problems.append(("restoreToPointInTime", "expected restoreTime or useLatestRestorableTime"))
    return problems


def _sentry_outputs(resource_type: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    internal_id = str(int(_stable_hex(resource_type, name, length=8), 16))
    if resource_type in ("sentry:index/sentryTeam:SentryTeam", "sentry:index/sentryProject:SentryProject"):
        # The bridged provider's id of a team or project is its slug.
        return {"id": inputs.get("slug", name), "internalId": internal_id}
    if resource_type == "sentry:index/sentryKey:SentryKey":
        public = _stable_hex(resource_type, name)
        return {
            "internalId": internal_id,
            "public": public,
            "dsnPublic": f"https://{public}@o0.ingest.placeholder.sentry.io/{internal_id}",
        }
    return {"internalId": internal_id}
