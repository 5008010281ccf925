"""Post-deploy check: can CloudWatch alarms actually publish to the alarm topic?

A topic encrypted with a key CloudWatch may not use accepts the deploy and then drops every
alarm: nothing in `pulumi up` fails.  This check reads the deployed state through the AWS CLI
(read-only calls, with whatever credentials the CLI finds):

1. ``sns get-topic-attributes``: the topic's ``KmsMasterKeyId`` (none: CloudWatch can publish);
2. ``kms describe-key``: refused if AWS-managed (``alias/aws/sns``) or not enabled;
3. ``kms get-key-policy``: an Allow for ``cloudwatch.amazonaws.com`` with ``kms:Decrypt`` and
   ``kms:GenerateDataKey*`` (the same reader as the ``alarm-topic-deliverable`` policy);
4. ``cloudwatch describe-alarms --action-prefix`` and ``describe-alarm-history``: an alarm whose
   latest action on this topic failed (e.g. "CloudWatch Alarms does not have authorization to
   access the SNS topic encryption key") fails the check with AWS's own words.

Without the CLI or credentials the result is ``warn`` and says exactly what was not checked.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAME = "alarm-delivery"
PASS, FAIL, WARN = "pass", "fail", "warn"
TIMEOUT_SECONDS = 60
MAX_ALARMS = 10
_KEY_POLICY = Path(__file__).resolve().parents[2] / "policies" / "rules" / "_key_policy.py"
_NO_CREDENTIALS = re.compile(
    r"Unable to locate credentials|ExpiredToken|InvalidClientTokenId|UnrecognizedClient|"
    r"could not be found|Token has expired|NoCredentialProviders|Error loading SSO Token",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DeliveryCheck:
    name: str
    status: str  # pass | fail | warn
    detail: str


class CannotCheck(Exception):
    """The CLI is missing, has no usable credentials or no permission: the check did not run."""


def _key_policy_reader() -> Any:
    # Loaded by path: importing the `policies.rules` package would need pulumi_policy.
    spec = importlib.util.spec_from_file_location("kk_key_policy", _KEY_POLICY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class AwsCli:
    """Runs `aws <service> <command> ... --output json`; errors become CannotCheck or RuntimeError."""

    def __init__(self, executable: str | None = None, region: str | None = None) -> None:
        self.executable = executable if executable is not None else shutil.which("aws")
        self.region = region

    def __call__(self, *args: str) -> Any:
        if not self.executable:
            raise CannotCheck("the aws CLI is not on PATH")
        command = [self.executable, *args, "--output", "json"]
        if self.region:
            command += ["--region", self.region]
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise CannotCheck(f"`aws {args[0]} {args[1]}` did not answer within {TIMEOUT_SECONDS} s") from None
        except OSError as exc:
            raise CannotCheck(f"cannot run the aws CLI: {exc.strerror}") from None
        if proc.returncode != 0:
            lines = [line.strip() for line in proc.stderr.splitlines() if line.strip()]
            reason = lines[-1][:300] if lines else f"exit code {proc.returncode}"
            if _NO_CREDENTIALS.search(proc.stderr):
                raise CannotCheck(f"no usable AWS credentials ({reason})")
            if "AccessDenied" in proc.stderr or "not authorized" in proc.stderr:
                raise CannotCheck(f"the credentials may not read this ({reason})")
            raise RuntimeError(f"`aws {args[0]} {args[1]}` failed: {reason}")
        try:
            return json.loads(proc.stdout) if proc.stdout.strip() else {}
        except json.JSONDecodeError:
            raise RuntimeError(f"`aws {args[0]} {args[1]}` did not print JSON") from None


def _region_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 and parts[0] == "arn" else None


def _key_problem(aws: AwsCli, key_ref: str) -> str | None:
    reader = _key_policy_reader()
    if reader.is_aws_managed_alias(key_ref):
        return f"the topic is encrypted with the AWS-managed key {key_ref.split(':')[-1]}, which CloudWatch cannot use"
    metadata = aws("kms", "describe-key", "--key-id", key_ref).get("KeyMetadata", {})
    if metadata.get("KeyManager") == "AWS":
        return f"the topic's key {metadata.get('Arn', key_ref)} is AWS-managed, which CloudWatch cannot use"
    if metadata.get("KeyState") != "Enabled":
        return f"the topic's key {metadata.get('Arn', key_ref)} is {metadata.get('KeyState', 'not enabled')}"
    key_arn = metadata.get("Arn", key_ref)
    policy = aws("kms", "get-key-policy", "--key-id", key_arn, "--policy-name", "default").get("Policy")
    if not reader.cloudwatch_may_use(policy):
        return (
            f"the policy of the topic's key {key_arn} does not let {reader.CLOUDWATCH} use "
            "kms:Decrypt and kms:GenerateDataKey*"
        )
    return None


def _failed_alarm_action(aws: AwsCli, topic_arn: str) -> tuple[int, str | None]:
    """(alarms publishing to the topic, the latest failed action's summary if any)."""
    alarms = aws("cloudwatch", "describe-alarms", "--action-prefix", topic_arn).get("MetricAlarms", [])
    names = [a["AlarmName"] for a in alarms if isinstance(a, dict) and a.get("AlarmName")][:MAX_ALARMS]
    for name in names:
        history = aws(
            "cloudwatch", "describe-alarm-history", "--alarm-name", name, "--history-item-type", "Action"
        ).get("AlarmHistoryItems", [])
        latest = max(history, key=lambda item: item.get("Timestamp", ""), default=None)
        if latest and str(latest.get("HistorySummary", "")).startswith("Failed"):
            return len(names), f'alarm "{name}": {latest["HistorySummary"][:300]}'
    return len(names), None


def check_alarm_delivery(topic_arn: str | None, aws: AwsCli | None = None) -> DeliveryCheck:
    """Whether CloudWatch can publish to ``topic_arn``; ``warn`` when that cannot be checked."""
    if not topic_arn or not topic_arn.startswith("arn:aws") or ":sns:" not in topic_arn:
        return DeliveryCheck(NAME, WARN, "not checked: the stack has no SNS alarm topic output (alarmTopicArn)")
    aws = aws or AwsCli(region=_region_of(topic_arn))
    try:
        attributes = aws("sns", "get-topic-attributes", "--topic-arn", topic_arn).get("Attributes", {})
        key_ref = attributes.get("KmsMasterKeyId") or ""
        problem = _key_problem(aws, key_ref) if key_ref else None
        if problem:
            return DeliveryCheck(NAME, FAIL, f"{problem}: every alarm on {topic_arn} notifies nobody")
        alarms, failed = _failed_alarm_action(aws, topic_arn)
    except CannotCheck as exc:
        return DeliveryCheck(
            NAME, WARN, f"not checked: {exc}; check by hand with `aws sns get-topic-attributes --topic-arn {topic_arn}`"
        )
    except RuntimeError as exc:
        return DeliveryCheck(NAME, WARN, f"not checked: {exc}")
    if failed:
        return DeliveryCheck(NAME, FAIL, f"CloudWatch could not publish to {topic_arn}: {failed}")
    how = "unencrypted" if not key_ref else "its key lets CloudWatch encrypt and decrypt"
    return DeliveryCheck(
        NAME, PASS, f"{topic_arn} accepts CloudWatch's publishes ({how}); {alarms} alarm(s) use it, none failed"
    )


def check_stack(outputs: dict[str, Any]) -> DeliveryCheck:
    """The check for a stack's outputs (``alarmTopicArn``)."""
    topic = outputs.get("alarmTopicArn")
    return check_alarm_delivery(topic if isinstance(topic, str) else None)
