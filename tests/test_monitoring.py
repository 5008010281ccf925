"""Monitoring as code: one on-call list fans out to UptimeRobot, SNS and Sentry; alarms as configured."""

from __future__ import annotations

import json

import pytest
from pulumi.runtime.rpc import is_rpc_secret

from stacks.config_parsing import ConfigError, parse_settings
from tests.support.env import ROOT
from tests.support.plan import ONCALL, only, resources_of
from tests.support.stack_config import raw_from

EMAILS = sorted(entry.split("<")[1].rstrip(">") for entry in ONCALL)
MONITOR = "pulumi-python:dynamic/uptimerobot:Monitor"
CONTACT = "pulumi-python:dynamic/uptimerobot:AlertContact"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TEAM_MEMBERSHIP = "pulumi-python:dynamic/sentry:TeamMembership"


def test_every_channel_gets_exactly_the_on_call_list(update_plan):
    uptime = sorted(r.inputs["value"] for r in resources_of(update_plan, CONTACT))
    sns = sorted(r.inputs["endpoint"] for r in resources_of(update_plan, "aws:sns/topicSubscription:TopicSubscription"))
    sentry = sorted(r.inputs["email"] for r in resources_of(update_plan, TEAM_MEMBERSHIP))
    assert uptime == sns == sentry == EMAILS
    team = only(update_plan, "sentry:index/sentryTeam:SentryTeam")
    assert {r.inputs["team"] for r in resources_of(update_plan, TEAM_MEMBERSHIP)} == {team.inputs["slug"]}


def test_adding_a_person_in_config_adds_them_everywhere(plan, project_dir):
    extra = "backup: Cy Diaz <cy@kitchen-kontrol.dev>"
    result = plan(project_dir.write_stack(oncallContacts=[*ONCALL, extra]), preview=False, root=project_dir)
    assert len(resources_of(result, CONTACT)) == 3
    assert len(resources_of(result, "aws:sns/topicSubscription:TopicSubscription")) == 3
    assert len(resources_of(result, TEAM_MEMBERSHIP)) == 3


def test_monitor_checks_the_health_url_and_alerts_after_two_failures(update_plan):
    # The frontend's monitor: tests/render/test_static_site.py.
    (monitor,) = [m for m in resources_of(update_plan, MONITOR) if m.name.endswith("-health")]
    assert monitor.inputs["url"] == update_plan.outputs["healthUrl"]
    assert monitor.inputs["interval"] == 300
    assert monitor.inputs["type"] == "HTTP"
    contacts = monitor.inputs["assigned_alert_contacts"]
    assert len(contacts) == len(EMAILS)
    assert {c["threshold"] for c in contacts} == {2}
    assert "apiKey" not in json.dumps(monitor.inputs) and "api_key" not in json.dumps(monitor.inputs)


def test_sentry_project_key_and_alert(update_plan):
    project = only(update_plan, "sentry:index/sentryProject:SentryProject")
    assert project.inputs["platform"] == "node"
    assert project.inputs["slug"] == project.inputs["name"] == "kitchen-kontrol-teststack"
    alert = only(update_plan, "sentry:index/sentryIssueAlert:SentryIssueAlert")
    assert alert.inputs["environment"] == "staging"  # the NODE_ENV the app reports, not the stack name
    assert {c["id"].rsplit(".", 1)[1] for c in alert.inputs["conditions"]} == {
        "FirstSeenEventCondition",
        "RegressionEventCondition",
    }
    team = only(update_plan, "sentry:index/sentryTeam:SentryTeam")
    assert team.inputs["slug"] == "kitchen-kontrol-teststack"  # the environment's own team
    assert project.inputs["teams"] == [team.outputs["slug"]]
    assert alert.inputs["actions"][0]["targetType"] == "Team"
    assert is_rpc_secret(update_plan.outputs["sentryDsn"])
    assert update_plan.outputs["sentryProjectUrl"].endswith("/projects/kitchen-kontrol-teststack/")


@pytest.mark.parametrize(
    ("metric", "operator", "threshold"),
    [
        ("CPUUtilization", "GreaterThanThreshold", 80),
        ("FreeStorageSpace", "LessThanThreshold", 2 * 1024**3),
        ("DatabaseConnections", "GreaterThanThreshold", 60),
    ],
)
def test_database_alarms_as_configured(update_plan, metric, operator, threshold):
    (alarm,) = [r for r in resources_of(update_plan, ALARM) if r.inputs["metricName"] == metric]
    assert alarm.inputs["comparisonOperator"] == operator
    assert alarm.inputs["threshold"] == threshold
    assert alarm.inputs["dimensions"] == {"DBInstanceIdentifier": "kitchen-kontrol-teststack"}
    topic = only(update_plan, "aws:sns/topic:Topic")
    assert alarm.inputs["alarmActions"] == alarm.inputs["okActions"] == [topic.outputs["arn"]]
    assert update_plan.outputs["alarmTopicArn"] == topic.outputs["arn"]


def test_alarm_topic_key_lets_cloudwatch_publish_and_nothing_more(update_plan):
    """The defect: alias/aws/sns, which CloudWatch alarms cannot use; every alarm fired into nothing."""
    import fnmatch

    key = only(update_plan, "aws:kms/key:Key")
    topic = only(update_plan, "aws:sns/topic:Topic")
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    assert not topic.inputs["kmsMasterKeyId"].startswith("alias/aws/")
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30
    account = "000000000000"  # the offline plan's placeholder caller identity
    admin, cloudwatch = json.loads(key.inputs["policy"])["Statement"]
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{account}:root"} and admin["Effect"] == "Allow"
    assert cloudwatch["Effect"] == "Allow"
    assert cloudwatch["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert sorted(cloudwatch["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert cloudwatch["Condition"]["StringEquals"] == {"aws:SourceAccount": account}
    source_arn = cloudwatch["Condition"]["ArnLike"]["aws:SourceArn"]
    alarms = resources_of(update_plan, ALARM)
    assert len(alarms) == 3
    for alarm in alarms:  # the grant covers exactly these alarms (and the region is the alarm's own)
        assert fnmatch.fnmatchcase(f"arn:aws:cloudwatch:us-east-1:{account}:alarm:{alarm.inputs['name']}", source_arn)
    assert not fnmatch.fnmatchcase(f"arn:aws:cloudwatch:us-east-1:{account}:alarm:someone-elses", source_arn)
    alias = only(update_plan, "aws:kms/alias:Alias")
    assert alias.inputs["targetKeyId"] == key.outputs["arn"]


def test_the_planned_alarm_topic_passes_alarm_topic_deliverable(plan, project_dir):
    result = plan(
        project_dir.write_stack(), preview=False, root=project_dir, policies=ROOT / "policies" / "config.staging.json"
    )
    assert result.policies_ran
    assert [d for d in result.diagnostics if d.policy_name == "alarm-topic-deliverable"] == []
    assert "alarm-topic-deliverable" not in result.mandatory_policies


def test_alarm_thresholds_follow_config(plan, project_dir):
    result = plan(project_dir.write_stack(alarmCpuPercent=65, alarmConnections=40), preview=False, root=project_dir)
    thresholds = {r.inputs["metricName"]: r.inputs["threshold"] for r in resources_of(result, ALARM)}
    assert thresholds["CPUUtilization"] == 65 and thresholds["DatabaseConnections"] == 40


@pytest.fixture(scope="module")
def monitoring_raw(staging_config):
    return {**raw_from(staging_config), "oncallContacts": json.dumps(ONCALL)}


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [
        (["primary: Ana <ana@@kitchen-kontrol.dev>"], "expected entries like"),
        (["primary: Ana <ana@localhost>"], "expected entries like"),
        (["primary: Ana ana@kitchen-kontrol.dev"], "expected entries like"),
        (["chief: Ana <ana@kitchen-kontrol.dev>"], "expected entries like"),
        (["backup: Ana <ana@kitchen-kontrol.dev>"], "at least one primary"),
        (["primary: Ana <ana@kitchen-kontrol.dev>", "backup: Ana L <ANA@kitchen-kontrol.dev>"], "each email once"),
        ([], "at least one primary"),
    ],
)
def test_contact_list_is_validated(monitoring_raw, contacts, expected):
    with pytest.raises(ConfigError) as caught:
        parse_settings("staging", {**monitoring_raw, "oncallContacts": json.dumps(contacts)})
    assert "kitchen-kontrol:oncallContacts" in str(caught.value)
    assert expected in str(caught.value)


def test_example_domain_contacts_refuse_an_update(plan, project_dir):
    from ops.program.result import PlanRefused

    # Only a primary left, so the escalation may name only the primary.
    stack = project_dir.write_stack(
        oncallContacts=["primary: Ana <ana@example.com>"], escalationLevels=["15m: primary"]
    )
    with pytest.raises(PlanRefused, match="oncallContacts holds 1 address"):
        plan(stack, preview=False, root=project_dir)


def test_component_args_refuse_a_shared_team_and_a_bad_key_window():
    from components.alarms import DatabaseAlarmsArgs
    from components.error_tracking import ErrorTrackingArgs

    common = {"organization": "kitchen-kontrol", "project_slug": "kk-staging", "oncall_emails": EMAILS}
    common["app_environment"] = "staging"
    with pytest.raises(ValueError, match="team_slug: expected the environment's own team"):
        ErrorTrackingArgs(team_slug="kitchen-kontrol", environment="staging", **common)
    ErrorTrackingArgs(team_slug="kitchen-kontrol-staging", environment="staging", **common)
    with pytest.raises(ValueError, match="key_deletion_window_days: expected 7 to 30"):
        DatabaseAlarmsArgs(db_instance_identifier="db", emails=EMAILS, key_deletion_window_days=5)
