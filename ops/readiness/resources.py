"""Readiness items judged on the offline plan's resources: secrets, monitoring and alerting, backups."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from pulumi.runtime.rpc import is_rpc_secret

from ops.program.facts import (
    ALARM,
    ALERT_CONTACT_SUFFIX,
    ENV_VAR,
    ISSUE_ALERT,
    MONITOR_SUFFIX,
    RDS_INSTANCE,
    SUBSCRIPTION,
    TOPIC,
    StackFacts,
)
from ops.program.result import PlanResult
from ops.readiness.model import FAIL, PASS, WARN, Evidence, Item
from ops.shared.masks import SECRET_MASK, UNKNOWN_MASK, mask

# Outputs the program exports as secrets, and env vars whose value must be one.
SECRET_OUTPUTS = ("databaseUrl", "sentryDsn")
SENSITIVE_ENV = re.compile(r"(SECRET|PASSWORD|TOKEN|API_?KEY|DSN|DATABASE_URL)")
PLAIN_SECRET_KEY = re.compile(r"(?i)(password|secret|token|apikey)")
KMS_KEY = "aws:kms/key:Key"
REQUIRED_ALARMS = ("CPUUtilization", "FreeStorageSpace", "DatabaseConnections")
# The items judged on the offline plan, (group, title) each: without a plan they are listed as not evaluated.
SECRETS = ("Secrets", "Secrets only as Pulumi secrets")
UPTIME = ("Monitoring", "Uptime monitor on the health URL")
DSN = ("Monitoring", "Sentry DSN reaches the app")
ALARMS = ("Monitoring", "Database alarms deliver to a topic CloudWatch can use")
CHANNELS = ("Monitoring", "Every on-call person on every channel")
BACKUPS = ("Backups", "Automated backups, final snapshot, deletion guards")
PLAN_JUDGED = (SECRETS, UPTIME, DSN, ALARMS, CHANNELS, BACKUPS)


def resource_items(evidence: Evidence) -> list[Item]:
    facts = evidence.facts
    if facts is None:
        reason = f"not evaluated: {evidence.no_preview()}"
        return [Item(group, title, FAIL, reason) for group, title in PLAN_JUDGED]
    return [
        _secrets(evidence, facts),
        _uptime(evidence, facts),
        _dsn(facts),
        _alarms(evidence, facts),
        _channels(facts),
        Item(
            "Monitoring",
            "People confirmed their alert channels",
            WARN,
            "not visible offline: each on-call person confirms the SNS subscription, activates the UptimeRobot "
            "contact and is a member of the Sentry organization (first-deploy checklist)",
            blocking=False,
        ),
        _backups(evidence, facts),
    ]


def _secret_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(path, text) of every plain string in a raw property value; secrets are skipped whole."""
    if is_rpc_secret(value):
        return
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _secret_strings(inner, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, inner in enumerate(value):
            yield from _secret_strings(inner, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def leaks(plan: PlanResult, secrets: list[str]) -> list[str]:
    """Where a generated secret shows up in a plain input or stack output: 'type name.path', never the value."""
    needles = {s for s in secrets if len(s) >= 8} | {quote(s, safe="") for s in secrets if len(s) >= 8}
    found = []
    sources = [(f"{r.type} {r.name}", r.inputs) for r in plan.resources] + [("stack output", plan.outputs)]
    for label, values in sources:
        for path, text in _secret_strings(values, ""):
            if any(needle in text for needle in needles):
                found.append(f"{label}{path}")
    return sorted(set(found))


def _secrets(evidence: Evidence, facts: StackFacts) -> Item:
    group, title = SECRETS
    problems, seen = [], []
    plain_keys = [
        key
        for key, value in facts.config.config.items()
        if PLAIN_SECRET_KEY.search(key.split(":", 1)[-1]) and key not in facts.config.secret_keys and value
    ]
    if plain_keys:
        problems.append(f"{facts.stack_file} holds plain values under {', '.join(sorted(plain_keys))}")
    else:
        secure = len(facts.config.secret_keys)
        seen.append(f"{facts.stack_file}: no plain password/secret/token key ({secure} encrypted value(s))")
    outputs = mask(facts.plan.outputs)
    for name in SECRET_OUTPUTS:
        if name not in outputs:
            problems.append(f"the program exports no `{name}`")
        elif outputs[name] != SECRET_MASK:
            problems.append(f"stack output `{name}` is not a secret")
    if not problems:
        seen.append(f"outputs {', '.join(SECRET_OUTPUTS)} are secrets")
    sensitive = []
    for resource in facts.resources(ENV_VAR):
        inputs = facts.inputs(resource)
        key = str(inputs.get("envVarKey"))
        if SENSITIVE_ENV.search(key):
            sensitive.append(key)
            if inputs.get("value") != SECRET_MASK:
                problems.append(f"env var `{key}` is not a secret")
    for resource in facts.resources(RDS_INSTANCE):
        if facts.inputs(resource).get("password") not in (SECRET_MASK, UNKNOWN_MASK):
            problems.append(f"{resource.name}: `password` is not a secret")
    if sensitive:
        seen.append(f"env vars {', '.join(sorted(sensitive))} and the database password are secrets")
    if evidence.update is not None:
        found = leaks(evidence.update, evidence.generated_secrets)
        if found:
            problems.append("a generated secret appears in plain text at " + ", ".join(found))
        else:
            seen.append(
                f"none of the {len(evidence.generated_secrets)} generated secret(s) appears in a plain input or "
                "output of the update-phase plan"
            )
    else:
        problems.append(f"not fully evaluated: the generated secrets cannot be traced, as {evidence.no_update()}")
    if problems:
        return Item(group, title, FAIL, "; ".join(problems + [f"seen: {s}" for s in seen]))
    return Item(group, title, PASS, "; ".join(seen))


def _uptime(evidence: Evidence, facts: StackFacts) -> Item:
    group, title = UPTIME
    monitors = facts.resources(MONITOR_SUFFIX)
    if not monitors:
        return Item(group, title, FAIL, "the plan declares no uptime monitor")
    inputs = facts.inputs(monitors[0])
    contacts = inputs.get("assigned_alert_contacts") or []
    described = f"`{inputs.get('name')}` every {inputs.get('interval')} s, {len(contacts)} alert contact(s) assigned"
    if not contacts:
        return Item(group, title, FAIL, f"{described}: nobody is alerted")
    health = facts.settings.app.health_path
    update = evidence.update
    if update is None:
        why = f"{described}; its URL is known only in the update phase, and {evidence.no_update()}"
        return Item(group, title, FAIL, why)
    url = next((mask(r.inputs).get("url") for r in update.resources if r.type.endswith(MONITOR_SUFFIX)), None)
    coverage = [d for d in update.diagnostics if d.policy_name == "monitoring-coverage"]
    if not isinstance(url, str) or not url.endswith(health):
        return Item(group, title, FAIL, f"{described}; it checks {url!r}, not the service's {health}")
    if coverage:
        return Item(group, title, FAIL, f"{described}; monitoring-coverage: {coverage[0].message.splitlines()[-1]}")
    return Item(group, title, PASS, f"{described}; checks {url} (update-phase plan, monitoring-coverage passed)")


def _dsn(facts: StackFacts) -> Item:
    group, title = DSN
    env = dict(facts.env_vars())
    alerts = facts.resources(ISSUE_ALERT)
    if "SENTRY_DSN" not in env:
        return Item(group, title, FAIL, "no SENTRY_DSN env var is set on the web service")
    if not env["SENTRY_DSN"]:
        return Item(group, title, FAIL, "SENTRY_DSN is set but not as a secret")
    if not alerts:
        return Item(group, title, FAIL, "SENTRY_DSN is set, but no Sentry issue alert tells anyone")
    names = ", ".join(f"`{facts.inputs(a).get('name')}`" for a in alerts)
    return Item(group, title, PASS, f"SENTRY_DSN set as a secret env var; issue alert {names}")


def _alarms(evidence: Evidence, facts: StackFacts) -> Item:
    group, title = ALARMS
    identifier = facts.db_identifier
    alarms = [facts.inputs(a) for a in facts.resources(ALARM)]
    on_db = [a for a in alarms if (a.get("dimensions") or {}).get("DBInstanceIdentifier") == identifier]
    metrics = {a.get("metricName") for a in on_db if a.get("alarmActions")}
    missing = [m for m in REQUIRED_ALARMS if m not in metrics]
    if missing:
        return Item(group, title, FAIL, f"no alarm with an action on {', '.join(missing)} of `{identifier}`")
    topics = facts.resources(TOPIC)
    if len(topics) != 1:
        return Item(group, title, FAIL, f"expected one alarm topic, the plan declares {len(topics)}")
    key = facts.inputs(topics[0]).get("kmsMasterKeyId")
    described = f"{len(on_db)} alarms on `{identifier}` ({', '.join(REQUIRED_ALARMS)}) → SNS topic"
    if key in (None, ""):
        return Item(group, title, PASS, f"{described}, not KMS-encrypted, so CloudWatch can publish to it")
    if isinstance(key, str) and (key.startswith("alias/aws/") or ":alias/aws/" in key):
        return Item(
            group,
            title,
            FAIL,
            f"{described} encrypted with the AWS-managed key `{key}`: its key policy cannot be changed to let "
            "CloudWatch use it, so every alarm notification is dropped; use a customer-managed key that allows "
            "cloudwatch.amazonaws.com, or no encryption",
        )
    # A customer-managed key: its policy must let CloudWatch use it. The policy may need values known only
    # after the apply (the account id), so the update-phase plan is read when it ran.
    plan = evidence.update or facts.plan
    policies = [str(mask(k.inputs).get("policy", "")) for k in plan.resources if k.type == KMS_KEY]
    if any("cloudwatch.amazonaws.com" in policy for policy in policies):
        return Item(group, title, PASS, f"{described} encrypted with a customer-managed key that allows CloudWatch")
    if evidence.update is None and any(policy == UNKNOWN_MASK for policy in policies):
        return Item(
            group,
            title,
            FAIL,
            f"{described}; the key policy is known only in the update phase, and {evidence.no_update()}",
        )
    return Item(
        group,
        title,
        FAIL,
        f"{described} encrypted with a key ({len(policies)} KMS key(s) in the plan) whose policy does not allow "
        "cloudwatch.amazonaws.com",
    )


def _channels(facts: StackFacts) -> Item:
    group, title = CHANNELS
    channels = facts.channels()
    emails = facts.settings.monitoring.emails
    gaps = []
    for email in emails:
        have = channels.get(email, [])
        for needed in ("UptimeRobot", "SNS"):
            if not any(channel.startswith(needed) for channel in have):
                gaps.append(f"{email} has no {needed} channel")
    if gaps:
        return Item(group, title, FAIL, "; ".join(gaps))
    contacts = len(facts.resources(ALERT_CONTACT_SUFFIX))
    subscriptions = len(facts.resources(SUBSCRIPTION))
    return Item(
        group,
        title,
        PASS,
        f"{len(emails)} on-call address(es): {contacts} UptimeRobot alert contact(s), {subscriptions} SNS email "
        "subscription(s) on the alarm topic",
    )


def _backups(evidence: Evidence, facts: StackFacts) -> Item:
    group, title = BACKUPS
    instance = facts.db_instance()
    if instance is None:
        return Item(group, title, FAIL, "the plan declares no single RDS instance")
    inputs = facts.inputs(instance)
    minimum = (evidence.policy_config.get("rds-instance-backup-retention") or {}).get("minimumRetentionDays", 7)
    retention = inputs.get("backupRetentionPeriod")
    problems = []
    if not isinstance(retention, int) or retention < minimum:
        problems.append(f"backups kept {retention} days, the policy asks for {minimum}")
    if inputs.get("skipFinalSnapshot") is not False or not inputs.get("finalSnapshotIdentifier"):
        problems.append("no final snapshot on deletion")
    if inputs.get("deletionProtection") is not True:
        problems.append("RDS deletion protection is off")
    if not instance.protect:
        problems.append("the instance is not `protect`ed in the state")
    if inputs.get("storageEncrypted") is not True:
        problems.append("storage (and so the snapshots) is not encrypted")
    if problems:
        return Item(group, title, FAIL, "; ".join(problems))
    return Item(
        group,
        title,
        PASS,
        f"`{inputs.get('identifier')}`: backups kept {retention} days (policy minimum {minimum}) in "
        f"{inputs.get('backupWindow')} UTC; final snapshot `{inputs.get('finalSnapshotIdentifier')}`; deletion "
        "protection on; `protect` in the state; encrypted storage"
        + ("; tags copied to snapshots" if inputs.get("copyTagsToSnapshot") else ""),
    )
