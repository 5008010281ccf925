"""ops/verify/alarm_delivery.py: whether CloudWatch can publish to the alarm topic, read through a
stand-in `aws` CLI that answers from a scenario file; and `ops verify --stack` reporting it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ops.verify.alarm_delivery import AwsCli, check_alarm_delivery
from tests.support.fake_cli import Reply, write_fake_cli

ACCOUNT = "444455556666"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:kitchen-kontrol-staging-db-alarms-topic"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
GOOD_POLICY = {
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        }
    ]
}
NO_ANSWER = Reply("{}\n")  # what the stand-in prints for a command its scenario lacks
DENIED = (
    f"Failed to execute action {TOPIC}. "
    "Received error: 'CloudWatch Alarms does not have authorization to access the SNS topic encryption key.'"
)


def healthy() -> dict:
    return {
        "sns get-topic-attributes": {"Attributes": {"TopicArn": TOPIC, "KmsMasterKeyId": KEY}},
        "kms describe-key": {"KeyMetadata": {"Arn": KEY, "KeyManager": "CUSTOMER", "KeyState": "Enabled"}},
        "kms get-key-policy": {"Policy": json.dumps(GOOD_POLICY)},
        "cloudwatch describe-alarms": {"MetricAlarms": [{"AlarmName": "kitchen-kontrol-staging-db-alarms-cpu"}]},
        "cloudwatch describe-alarm-history": {
            "AlarmHistoryItems": [
                {"Timestamp": "2026-11-20T10:00:00Z", "HistorySummary": f"Successfully executed action {TOPIC}"}
            ]
        },
    }


def aws_replies(scenario: dict) -> dict[str, Reply]:
    """A scenario as the stand-in `aws` answers it: per `<service> <command>`, a JSON answer or
    {"stderr": ..., "code": n}."""
    return {
        command: Reply(stderr=answer["stderr"], code=answer["code"])
        if "code" in answer
        else Reply(json.dumps(answer) + "\n")
        for command, answer in scenario.items()
    }


@pytest.fixture
def fake_aws(tmp_path: Path):
    """An executable `aws` answering `<service> <command>` from a scenario (anything else: {}).
    Its argv lines go to a log."""
    log = tmp_path / "aws.log"

    def install(scenario: dict) -> tuple[AwsCli, Path]:
        script = write_fake_cli(tmp_path, "aws", replies=aws_replies(scenario), default=NO_ANSWER, log=log)
        return AwsCli(str(script), region="us-east-1"), log

    return install


def test_customer_key_cloudwatch_may_use_passes(fake_aws):
    aws, log = fake_aws(healthy())
    result = check_alarm_delivery(TOPIC, aws)
    assert (result.status, result.name) == ("pass", "alarm-delivery")
    assert "accepts CloudWatch's publishes" in result.detail and "1 alarm(s) use it, none failed" in result.detail
    calls = log.read_text().splitlines()
    assert calls[0] == f"sns get-topic-attributes --topic-arn {TOPIC} --output json --region us-east-1"
    assert all(" create" not in c and " set-" not in c and " put-" not in c for c in calls)  # read-only


def test_aws_managed_key_fails(fake_aws):
    scenario = healthy()
    scenario["sns get-topic-attributes"]["Attributes"]["KmsMasterKeyId"] = "alias/aws/sns"
    result = check_alarm_delivery(TOPIC, fake_aws(scenario)[0])
    assert result.status == "fail"
    assert result.detail.startswith("the topic is encrypted with the AWS-managed key alias/aws/sns")


def test_key_reported_as_aws_managed_fails(fake_aws):
    scenario = healthy()
    scenario["kms describe-key"]["KeyMetadata"]["KeyManager"] = "AWS"
    assert check_alarm_delivery(TOPIC, fake_aws(scenario)[0]).status == "fail"


def test_key_policy_without_cloudwatch_fails(fake_aws):
    scenario = healthy()
    scenario["kms get-key-policy"]["Policy"] = json.dumps({"Statement": []})
    result = check_alarm_delivery(TOPIC, fake_aws(scenario)[0])
    assert result.status == "fail"
    assert "does not let cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*" in result.detail


def test_disabled_key_fails(fake_aws):
    scenario = healthy()
    scenario["kms describe-key"]["KeyMetadata"]["KeyState"] = "PendingDeletion"
    assert "is PendingDeletion" in check_alarm_delivery(TOPIC, fake_aws(scenario)[0]).detail


def test_a_failed_publish_in_the_alarm_history_fails_with_awss_words(fake_aws):
    scenario = healthy()
    scenario["cloudwatch describe-alarm-history"]["AlarmHistoryItems"].append(
        {"Timestamp": "2026-11-21T10:00:00Z", "HistorySummary": DENIED}
    )
    result = check_alarm_delivery(TOPIC, fake_aws(scenario)[0])
    assert result.status == "fail"
    assert "does not have authorization to access the SNS topic encryption key" in result.detail


def test_unencrypted_topic_passes(fake_aws):
    scenario = healthy()
    del scenario["sns get-topic-attributes"]["Attributes"]["KmsMasterKeyId"]
    result = check_alarm_delivery(TOPIC, fake_aws(scenario)[0])
    assert result.status == "pass" and "unencrypted" in result.detail


@pytest.mark.parametrize(
    ("stderr", "said"),
    [
        ('\nUnable to locate credentials. You can configure credentials by running "aws configure".\n', "no usable"),
        ("An error occurred (AccessDenied) when calling the GetTopicAttributes operation: no\n", "may not read"),
    ],
)
def test_no_credentials_or_permission_warns_and_says_what_was_not_checked(fake_aws, stderr, said):
    result = check_alarm_delivery(TOPIC, fake_aws({"sns get-topic-attributes": {"stderr": stderr, "code": 255}})[0])
    assert result.status == "warn"
    assert result.detail.startswith("not checked: ") and said in result.detail
    assert f"aws sns get-topic-attributes --topic-arn {TOPIC}" in result.detail


def test_no_cli_warns(tmp_path):
    result = check_alarm_delivery(TOPIC, AwsCli(executable=""))
    assert (result.status, result.detail.split(";")[0]) == ("warn", "not checked: the aws CLI is not on PATH")


def test_no_topic_output_warns():
    assert check_alarm_delivery(None).status == "warn"


def test_verify_stack_reports_the_alarm_topic(make_server, verify, tmp_path, monkeypatch):
    """`ops verify --stack`: the checks of the app plus the alarm topic; a topic CloudWatch cannot
    use fails the run."""
    server = make_server()
    outputs = {"appUrl": server.url, "healthUrl": f"{server.url}/api/health", "alarmTopicArn": TOPIC}
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    write_fake_cli(bin_dir, "pulumi", default=Reply(json.dumps(outputs)))
    scenario = healthy()
    scenario["sns get-topic-attributes"]["Attributes"]["KmsMasterKeyId"] = "alias/aws/sns"
    write_fake_cli(bin_dir, "aws", replies=aws_replies(scenario), default=NO_ANSWER)
    monkeypatch.setenv("PATH", str(bin_dir))
    run = verify("--stack", "staging", "--samples", "3", "--wait-seconds", "5")
    assert run.code == 1, run.out + run.err
    row = next(line for line in run.out.splitlines() if line.startswith("alarm-delivery"))
    assert "FAIL" in row and "AWS-managed key alias/aws/sns" in row
