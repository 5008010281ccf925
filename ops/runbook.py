"""`ops runbook STACK [--out FILE]`: the stack's operations runbook, in Markdown.

Every statement comes from the stack: typed settings (Pulumi.STACK.yaml), the resources the
program declares (the offline plan) and, for values that exist only after a deploy, the stack
outputs as `pulumi stack output --json -s STACK` gives them (never with --show-secrets; secret
outputs are never read). Without the CLI or a deployed stack those values say "not deployed yet".
No timestamp: the same stack gives the same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ops import outputs
from ops.arguments import add_out, add_stack, require_directory, write_document
from ops.facts import (
    ALARM,
    ISSUE_ALERT,
    MONITOR_SUFFIX,
    RDS_INSTANCE,
    WEB_SERVICE,
    StackFacts,
    load_facts,
    reserved_domain,
)
from ops.markdown import NOT_DEPLOYED, code, gib, link, minutes, table
from ops.outputs import StackOutputs
from ops.project import ROOT

OPERATORS = {"GreaterThanThreshold": ">", "LessThanThreshold": "<", "GreaterThanOrEqualToThreshold": ">="}
OPERATORS["LessThanOrEqualToThreshold"] = "<="


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "runbook",
        help="the stack's operations runbook (Markdown) from its settings, plan and outputs",
        description="Write the runbook of STACK: quick links, health check, incidents, rollback, backup and "
        "restore, teardown, on-call and escalation. Deploy-time values come from `pulumi stack output` when the "
        "CLI can read them and say 'not deployed yet' otherwise.",
    )
    add_stack(parser)
    add_out(parser, "runbook")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    require_directory("--out", args.out)
    document = render(load_facts(args.stack), outputs.read(args.stack))
    write_document(document, args.out, wrote=f"the runbook of {args.stack!r}")
    return 0


def generate(stack: str, root: Path = ROOT, *, stack_outputs: StackOutputs | None = None, mocks=None) -> str:
    """The runbook as text; `stack_outputs` defaults to what the CLI gives."""
    facts = load_facts(stack, root, mocks=mocks)
    return render(facts, stack_outputs if stack_outputs is not None else outputs.read(stack, root))


# ---------------------------------------------------------------------- the document


class _Values:
    """Deploy-time values: the stack outputs first, then what the settings or the plan fix in advance."""

    def __init__(self, facts: StackFacts, out: StackOutputs):
        settings = facts.settings
        domain = settings.render.custom_domain
        self.app_url = out.get("appUrl") or (f"https://{domain}" if domain else None)
        health = out.get("healthUrl")
        if not health and self.app_url:
            health = self.app_url.rstrip("/") + settings.app.health_path
        self.health_url = health
        self.render_dashboard = out.get("renderDashboardUrl")
        self.render_service_id = out.get("renderServiceId")
        self.sentry_project = out.get("sentryProjectUrl") or facts.plan_output("sentryProjectUrl")
        self.uptime_dashboard = out.get("uptimeDashboardUrl")
        self.db_endpoint = out.get("databaseEndpoint")
        self.topic_arn = out.get("alarmTopicArn")
        region = facts.region
        self.region = region
        identifier = facts.db_identifier
        console = f"https://{region}.console.aws.amazon.com" if region else None
        self.rds_console = self.alarms_console = self.topic_console = None
        if console:
            self.rds_console = f"{console}/rds/home?region={region}#database:id={identifier};is-cluster=false"
            self.alarms_console = f"{console}/cloudwatch/home?region={region}#alarmsV2:?search={facts.alarm_prefix()}"
            if self.topic_arn:
                self.topic_console = f"{console}/sns/v3/home?region={region}#/topic/{self.topic_arn}"
        self.db_host = self.db_endpoint.rsplit(":", 1)[0] if self.db_endpoint else None


def render(facts: StackFacts, out: StackOutputs) -> str:
    values = _Values(facts, out)
    sections = [
        _header(facts, out),
        _quick_links(facts, values),
        _health_check(facts, values),
        _alerts(facts, values),
        _incidents(facts, values),
        _rollback(facts, values),
        _backups(facts, values),
        _teardown(facts),
        _on_call(facts),
        _escalation(facts),
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


def _apply(facts: StackFacts) -> str:
    """How a changed stack file reaches the cloud for this stack."""
    if facts.production:
        return (
            f"Change {facts.stack_file} in a reviewed pull request; this project never applies production, "
            "the release team applies it inside an approved release window."
        )
    return (
        f"Change {facts.stack_file} in a pull request: after the merge `deploy-staging.yml` applies it once "
        "`ci.yml` passed and a reviewer approved, or run `make up`."
    )


def _header(facts: StackFacts, out: StackOutputs) -> list[str]:
    stack = facts.stack
    lines = [
        f"# Runbook: Kitchen Kontrol `{stack}`",
        "",
        f"Generated by `python -m ops runbook {stack}` from {facts.stack_file} (typed settings), the resources the "
        "program declares (offline plan) and the stack outputs. Do not edit it by hand: change the stack file and "
        "generate it again.",
        "",
    ]
    if out.read:
        lines.append(
            f"Deploy-time values: read with `pulumi stack output --json -s {stack}`; a value the stack has not "
            f"exported yet says *{NOT_DEPLOYED}*."
        )
    else:
        lines.append(
            f"Deploy-time values: not read ({out.reason}), so they say *{NOT_DEPLOYED}*. Generate the runbook "
            f"again where `pulumi stack output -s {stack}` works."
        )
    if facts.production:
        lines += [
            "",
            "> **Stop before production.** This project prepares and previews production but never applies it: "
            "no Make target or workflow runs `pulumi up` on this stack. Commands below that change production are "
            "for the release team, inside a release window opened in the stack config and the policy config.",
        ]
    return lines


def _quick_links(facts: StackFacts, v: _Values) -> list[str]:
    settings = facts.settings
    region = v.region or "no aws:region set"
    rows = [
        ("App", link(v.app_url)),
        ("Health", link(v.health_url)),
        (f"Render dashboard (service {code(settings.resource_prefix)})", link(v.render_dashboard)),
        (f"Sentry project ({code(settings.monitoring.sentry_organization)} organization)", link(v.sentry_project)),
        ("UptimeRobot monitor", link(v.uptime_dashboard)),
        (f"RDS console ({code(facts.db_identifier)}, {region})", link(v.rds_console)),
        (f"CloudWatch alarms ({code(facts.alarm_prefix() + '*')})", link(v.alarms_console)),
        ("SNS alarm topic", link(v.topic_console) if v.topic_console else NOT_DEPLOYED),
    ]
    return ["## Quick links", "", *table(("what", "where"), rows)]


def place(url: str | None, text: str) -> str:
    """A link to a deploy-time page, or its name and that it does not exist yet."""
    return f"[{text}]({url})" if url else f"{text} ({NOT_DEPLOYED})"


def _aws(v: _Values) -> str:
    # Without aws:region in the stack file the CLI falls back to the profile's region.
    return f"aws --region {v.region}" if v.region else "aws"


def _auto_deploy(facts: StackFacts) -> bool:
    return facts.inputs(facts.one(WEB_SERVICE)).get("autoDeploy") == "yes"


def _health_url_expr(facts: StackFacts, v: _Values) -> str:
    return v.health_url or f"$(pulumi stack output healthUrl -s {facts.stack})"


def _health_check(facts: StackFacts, v: _Values) -> list[str]:
    stack = facts.stack
    lines = ["## Health check", ""]
    if not v.health_url:
        lines += [f"Health URL: {NOT_DEPLOYED}; once deployed the command below reads it from the stack.", ""]
    lines += [
        "```sh",
        f'curl -fsS "{_health_url_expr(facts, v)}"   # expected: {{"status":"ok"}}',
        f"python -m ops verify --stack {stack}   # health, p95 latency, the HTML page, TLS; exit 0 when all pass",
        "```",
        "",
        f"Render also probes {code(facts.settings.app.health_path)} before it routes traffic to a new deploy.",
    ]
    return lines


def _alerts(facts: StackFacts, v: _Values) -> list[str]:
    monitoring = facts.settings.monitoring
    people = ", ".join(monitoring.emails)
    lines = ["## Alerts and who gets them", ""]
    rows = []
    monitor = facts.one(MONITOR_SUFFIX)
    if monitor is not None:
        inputs = facts.inputs(monitor)
        rows.append(
            (
                f"UptimeRobot {code(str(inputs.get('name')))}",
                f"GET {v.health_url or 'the health URL'} every {inputs.get('interval')} s fails "
                f"{monitoring.uptime_failure_threshold} times in a row (paid plans; the free plan alerts at the "
                "first failure)",
                people,
            )
        )
    for alarm in facts.resources(ALARM):
        inputs = facts.inputs(alarm)
        threshold = inputs.get("threshold")
        shown = gib(threshold) if inputs.get("unit") == "Bytes" else str(threshold)
        if inputs.get("unit") == "Percent":
            shown = f"{shown} %"
        period = int(inputs.get("period", 0)) * int(inputs.get("evaluationPeriods", 1))
        rows.append(
            (
                f"CloudWatch {code(alarm.name + '-*')}",
                f"{inputs.get('statistic', '').lower()} {inputs.get('metricName')} "
                f"{OPERATORS.get(str(inputs.get('comparisonOperator')), inputs.get('comparisonOperator'))} {shown} "
                f"for {period // 60} min (missing data: {inputs.get('treatMissingData')})",
                f"{people} (SNS email; each must confirm the subscription once)",
            )
        )
    for alert in facts.resources(ISSUE_ALERT):
        inputs = facts.inputs(alert)
        rows.append(
            (
                f"Sentry {code(str(inputs.get('name')))}",
                f"a new or regressed issue in environment {code(str(inputs.get('environment')))}, "
                f"at most every {inputs.get('frequency')} min",
                f"members of the Sentry team {code(monitoring.sentry_team)}",
            )
        )
    return lines + table(("alert", "fires when", "reaches"), rows)


def _incidents(facts: StackFacts, v: _Values) -> list[str]:
    settings = facts.settings
    app, db, render, monitoring = settings.app, settings.database, settings.render, settings.monitoring
    stack = facts.stack
    identifier = facts.db_identifier
    aws = _aws(v)
    env_vars = facts.env_vars()
    plain = ", ".join(code(name) for name, secret in env_vars if not secret)
    secret = ", ".join(code(name) for name, secret in env_vars if secret)
    host = v.db_host or f"$(pulumi stack output databaseEndpoint -s {stack} | cut -d: -f1)"
    alarm_prefix = facts.alarm_prefix()
    auto_deploy = _auto_deploy(facts)
    preview = f"pulumi preview --refresh -s {stack} {facts.policy_flags}"
    lines = ["## Incidents", ""]

    lines += [
        "### The app answers 500 or the health check fails",
        "",
        "Diagnose:",
        "",
        f'1. `curl -sS -i "{_health_url_expr(facts, v)}"`: anything but `200` with `{{"status":"ok"}}` is the '
        "incident.",
        f"2. Sentry: {place(v.sentry_project, 'the project')}, filtered on environment {code(stack)}; the newest issue "
        "usually names the failing route.",
        f"3. Render logs: {place(v.render_dashboard, 'Render dashboard')} → Logs. The app logs at "
        f"{code(app.log_level)}; raise `kitchen-kontrol:appLogLevel` to `debug` while you look.",
        f"4. The env vars this stack sets: {plain}; secrets {secret}. Drift from the stack shows in `{preview}`.",
        "",
        "Fix: a missing or changed env var comes back with the next apply. " + _apply(facts) + " A bad release: "
        "see Rollback; a database error in the log: see the next incident.",
        "",
    ]

    cidrs = ", ".join(code(c) for c in db.allowed_cidrs)
    lines += [
        "### Database connection failures",
        "",
        f"Endpoint {code(v.db_endpoint) if v.db_endpoint else NOT_DEPLOYED}, instance {code(identifier)}, database "
        f"{code(db.name)}, user {code(db.username)}, port 5432, TLS only (`rds.force_ssl=1`; `DATABASE_URL` carries "
        "`sslmode=require`). Only these client ranges reach port 5432: "
        f"{cidrs} (`kitchen-kontrol:dbAllowedCidrs`).",
        "",
        "Diagnose:",
        "",
        f"1. `{aws} rds describe-db-instances --db-instance-identifier {identifier} "
        "--query 'DBInstances[0].[DBInstanceStatus,Endpoint.Address]' --output text`: expect `available`.",
        f'2. From a host inside an allowed range: `pg_isready -h "{host}" -p 5432 -d {db.name}`; from anywhere '
        "else it times out by design.",
        f"3. Render's outbound IPs (Render dashboard → the service → Connect → Outbound) must be inside the ranges "
        f"above; if Render changed them, update `kitchen-kontrol:dbAllowedCidrs`. {_apply(facts)}",
        f"4. Connection count (alarm above {monitoring.alarm_connections}): `{aws} cloudwatch get-metric-statistics "
        f"--namespace AWS/RDS --metric-name DatabaseConnections --dimensions Name=DBInstanceIdentifier,"
        f"Value={identifier} --statistics Maximum --period 300 --start-time $(date -u -d '-1 hour' +%FT%TZ) "
        "--end-time $(date -u +%FT%TZ)`.",
        f"5. Free storage (alarm below {monitoring.alarm_free_storage_gib} GiB; storage grows automatically up to "
        f"{db.max_allocated_storage} GiB, `kitchen-kontrol:dbMaxAllocatedStorage`).",
        "",
        "Fix: a stopped instance: `"
        + f"{aws} rds start-db-instance --db-instance-identifier {identifier}`; wrong ranges: update them as in "
        "step 3; too many connections: restart the service from the Render dashboard and look for "
        "a connection leak. The master password exists only in the stack (a Pulumi secret): never change it in "
        "the AWS console, the app would lose its `DATABASE_URL`.",
        "",
    ]

    lines += [
        "### Slow responses",
        "",
        f"Measure: `python -m ops verify --stack {stack} --latency-budget-ms 500` (p95 of 20 health requests).",
        "",
        f"1. Database CPU (alarm above {monitoring.alarm_cpu_percent} %) and connections: the CloudWatch alarms link "
        "above.",
        f"2. Render: {code(render.plan)} plan, {render.instances} instance(s) in {code(render.region)}; the "
        "dashboard's Metrics tab shows CPU and memory.",
        f"3. Database: {code(db.instance_class)}, gp3, {db.allocated_storage} GiB.",
        "",
        "Fix: scale with `kitchen-kontrol:renderPlan` / `renderInstances` or `dbInstanceClass`. "
        f"{_apply(facts)} A database class change waits for the maintenance window "
        f"({code(str(facts.inputs(facts.one(RDS_INSTANCE)).get('maintenanceWindow')))} UTC; the stack sets "
        "`applyImmediately: false`).",
        "",
    ]

    deploy_lines = [
        "### A deploy failed",
        "",
        f"- **App build or start on Render** (Render builds `{app.branch}` of {app.repo}"
        + (" on every push" if auto_deploy else "")
        + f"): dashboard → Events → the failed deploy's log. Build command {code(app.build_command)}, start command "
        f"{code(app.start_command)}, port {app.port}. Until a deploy passes its health check Render keeps the "
        "previous one serving.",
    ]
    if facts.production:
        deploy_lines.append(
            "- **Infrastructure**: this project never applies production; a failed release apply is the release "
            f"team's, and `pulumi preview -s {stack} {facts.policy_flags}` shows where the stack stands."
        )
    else:
        deploy_lines += [
            "- **Infrastructure** (`deploy-staging.yml`, which runs after `ci.yml` passed on the same commit): the "
            f"run's log and job summary; `pulumi stack history -s {stack}` lists the updates. Fix the cause in a pull "
            "request, or use *Re-run failed jobs* for a transient error. An update interrupted mid-way leaves pending "
            f"operations: `pulumi refresh -s {stack}`, then apply again.",
            "- **Post-deploy checks** (`ops verify` in the same workflow): the `verify-report` artifact names the "
            "failing check.",
        ]
    lines += [*deploy_lines, ""]

    lines += [
        "### Alarm storm",
        "",
        "Many alerts at once almost always have one cause: the database (CPU and connections together) or the app "
        "(UptimeRobot and Sentry together). Go to the matching incident above.",
        "",
        f"1. Which alarms fire: `{aws} cloudwatch describe-alarms --alarm-name-prefix {alarm_prefix} --state-value "
        "ALARM --query 'MetricAlarms[].[AlarmName,StateReason]' --output text`.",
        f"2. Silence the alarm emails while you work: `{aws} cloudwatch disable-alarm-actions --alarm-names $({aws} "
        f"cloudwatch describe-alarms --alarm-name-prefix {alarm_prefix} --query 'MetricAlarms[].AlarmName' --output "
        "text)`; afterwards the same with `enable-alarm-actions` (until then the drift watch reports the change).",
        f"3. UptimeRobot: pause {place(v.uptime_dashboard, 'the monitor')} and resume it afterwards; "
        "Sentry: resolve or ignore the issue that floods.",
        "4. Thresholds that fire for no reason are settings: `kitchen-kontrol:alarmCpuPercent`, "
        f"`alarmFreeStorageGib`, `alarmConnections`, `uptimeFailureThreshold`. {_apply(facts)}",
    ]
    return lines


def _rollback(facts: StackFacts, v: _Values) -> list[str]:
    app = facts.settings.app
    stack = facts.stack
    lines = [
        "## Rollback",
        "",
        f"1. **Fastest: redeploy the previous deploy on Render.** {place(v.render_dashboard, 'Render dashboard')} → "
        "Events → the last deploy that worked → *Rollback*. Render serves it again after its health check passes.",
        f"2. **Durable: revert the change in the app repository** so the next build is good again "
        f"({app.repo}, branch {code(app.branch)}):",
        "",
        "   ```sh",
        f"   git fetch origin {app.branch} && git log --oneline -10 origin/{app.branch}",
        f"   git revert --no-edit HEAD   # or the SHA of the bad commit from the log; then push {app.branch}",
        "   ```",
        "",
        "   Render builds the revert and deploys it"
        + (" automatically (auto-deploy is on)." if _auto_deploy(facts) else ".")
        + f" Then run the health check above and `python -m ops verify --stack {stack}`.",
    ]
    if facts.production:
        lines.append(
            "3. **Infrastructure**: revert the commit in this repository in a reviewed pull request; the release team "
            "applies production (this project does not)."
        )
    else:
        lines.append(
            "3. **Infrastructure**: revert the commit in this repository (`git revert --no-edit HEAD` on a branch, "
            "pull request); after merge `deploy-staging.yml` applies the previous state once `ci.yml` passed."
        )
    return lines


def _backups(facts: StackFacts, v: _Values) -> list[str]:
    instance = facts.inputs(facts.one(RDS_INSTANCE))
    identifier = facts.db_identifier
    aws = _aws(v)
    final = instance.get("finalSnapshotIdentifier")
    describe = f"{aws} rds describe-db-instances --db-instance-identifier {identifier} --query"
    lines = [
        "## Backup and restore",
        "",
        f"- Automated backups of {code(identifier)}: kept {instance.get('backupRetentionPeriod')} days "
        f"(`kitchen-kontrol:dbBackupRetentionDays`), taken daily in {code(str(instance.get('backupWindow')))} UTC; "
        "point-in-time restore to any second inside that window. Storage and snapshots are encrypted; tags are "
        "copied to snapshots.",
        f"- Deleting the instance keeps a final snapshot {code(str(final))}"
        + (" (`skipFinalSnapshot: false`)." if instance.get("skipFinalSnapshot") is False else "."),
        f"- List snapshots: `{aws} rds describe-db-snapshots --db-instance-identifier {identifier} --query "
        "'DBSnapshots[].[DBSnapshotIdentifier,SnapshotCreateTime,Status]' --output table`.",
        f"- Before a risky change, take one by hand: `{aws} rds create-db-snapshot --db-instance-identifier "
        f"{identifier} --db-snapshot-identifier {identifier}-manual-$(date -u +%Y%m%d-%H%M)`.",
        "",
        "Point-in-time restore (RDS restores into a new instance; swap it in under the old name, so the endpoint and "
        "`DATABASE_URL` stay the same):",
        "",
        "```sh",
        f"{describe} 'DBInstances[0].LatestRestorableTime' --output text",
        f"SUBNETS=$({describe} 'DBInstances[0].DBSubnetGroup.DBSubnetGroupName' --output text)",
        f"SGS=$({describe} 'DBInstances[0].VpcSecurityGroups[].VpcSecurityGroupId' --output text)",
        f"PARAMS=$({describe} 'DBInstances[0].DBParameterGroups[0].DBParameterGroupName' --output text)",
        f"{aws} rds restore-db-instance-to-point-in-time --source-db-instance-identifier {identifier} \\",
        f"  --target-db-instance-identifier {identifier}-restored --use-latest-restorable-time \\",
        '  --db-subnet-group-name "$SUBNETS" --vpc-security-group-ids $SGS --db-parameter-group-name "$PARAMS" \\',
        "  --publicly-accessible --deletion-protection   # or --restore-time with an ISO-8601 UTC time",
        f"{aws} rds wait db-instance-available --db-instance-identifier {identifier}-restored",
        "# check the data on the restored instance, then swap (the app is down for a few minutes):",
        f"{aws} rds modify-db-instance --db-instance-identifier {identifier} "
        f"--new-db-instance-identifier {identifier}-replaced --apply-immediately",
        f"{aws} rds wait db-instance-available --db-instance-identifier {identifier}-replaced",
        f"{aws} rds modify-db-instance --db-instance-identifier {identifier}-restored "
        f"--new-db-instance-identifier {identifier} --apply-immediately",
        f"{aws} rds wait db-instance-available --db-instance-identifier {identifier}",
        "```",
        "",
        f"Then restart the Render service, run `python -m ops verify --stack {facts.stack}` and "
        f"`pulumi preview --refresh -s {facts.stack} {facts.policy_flags}`: the stack tracks the instance by its "
        "name, and whatever the restore did not carry over (log exports, tags) shows as a change the next apply "
        f"puts back. Keep {code(identifier + '-replaced')} until you are sure; it has "
        "deletion protection, so remove it with `modify-db-instance --no-deletion-protection` and then "
        f"`delete-db-instance --final-db-snapshot-identifier {identifier}-replaced-final`.",
    ]
    return lines


def _teardown(facts: StackFacts) -> list[str]:
    stack = facts.stack
    protected = facts.protected()
    instance = facts.inputs(facts.one(RDS_INSTANCE))
    final = instance.get("finalSnapshotIdentifier")
    guarded = [f"`{r.urn}`" for r in protected]
    lines = ["## Teardown", ""]
    if facts.production:
        lines += [
            "This project never destroys production: no Make target or workflow runs `pulumi destroy` on it. The "
            "same guards as staging hold: RDS deletion protection "
            f"({'on' if facts.settings.database.deletion_protection else 'off'}, "
            "`kitchen-kontrol:dbDeletionProtection`), "
            "the policy rule `rds-instance-deletion-protection`, and `protect` on:",
            "",
            *[f"- {urn}" for urn in guarded],
        ]
        return lines
    lines += [
        "Everything below deletes the environment, its data included (a final snapshot stays). In this order, "
        "because each guard stops the next step:",
        "",
        f'1. **Policy owners** allow it: add `"ephemeralStacks": ["{stack}"]` under '
        f'`"rds-instance-deletion-protection"` in `policies/config.{stack}.json` (reviewed pull request); '
        "otherwise the pack refuses step 2.",
        f"2. **Deletion protection off**, through the stack so state and cloud agree: set "
        f"`kitchen-kontrol:dbDeletionProtection: false` in {facts.stack_file}, then `make up` (or merge and let "
        "`deploy-staging.yml` apply it).",
        "3. **Unprotect in the state** (the program sets `protect` on these; an apply would set it again, so do this "
        "after step 2):",
        "",
        "   ```sh",
        *[f"   pulumi state unprotect -s {stack} --yes '{r.urn}'" for r in protected],
        "   ```",
        "",
        f"4. **Destroy**: `pulumi destroy -s {stack}`. RDS writes the final snapshot {code(str(final))} first; if a "
        "snapshot of that name is left from an earlier teardown, AWS refuses: delete or keep it under another name "
        f"first (`aws rds delete-db-snapshot --db-snapshot-identifier {final}`).",
        f"5. **Afterwards**: the snapshot keeps costing storage until you delete it; `pulumi stack rm -s {stack}` "
        "drops the stack's history; revert steps 1 and 2 before the stack is created again.",
    ]
    return lines


def _on_call(facts: StackFacts) -> list[str]:
    monitoring = facts.settings.monitoring
    channels = facts.channels()
    rows = [
        (contact.role, contact.name, contact.email, ", ".join(channels.get(contact.email, [])) or "no alert channel")
        for contact in monitoring.contacts
    ]
    return [
        "## On call",
        "",
        f"From `kitchen-kontrol:oncallContacts` in {facts.stack_file}; the program subscribes each address to the "
        "alert channels listed.",
        "",
        *table(("role", "name", "email", "reached by"), rows),
        *_examples_warning(facts, [c.email for c in monitoring.contacts], "oncallContacts"),
    ]


def _examples_warning(facts: StackFacts, emails: list, key: str) -> list[str]:
    examples = [email for email in emails if email and reserved_domain(email)]
    if not examples:
        return []
    return [
        "",
        f"**Not real yet:** {', '.join(examples)}: reserved example domain (RFC 2606), nobody reads it; set real "
        f"people in `kitchen-kontrol:{key}` in {facts.stack_file}.",
    ]


def _escalation(facts: StackFacts) -> list[str]:
    monitoring = facts.settings.monitoring
    rows = []
    for index, level in enumerate(monitoring.escalation, start=1):
        if level.oncall_role:
            people = [f"{c.name} <{c.email}>" for c in monitoring.contacts if c.role == level.oncall_role]
            who = f"{level.oncall_role} on-call: " + ", ".join(people)
        else:
            who = f"{level.name} <{level.email}>"
        rows.append((index, who, f"within {minutes(level.response_minutes)} of the alert"))
    return [
        "## Escalation",
        "",
        f"From `kitchen-kontrol:escalationLevels` in {facts.stack_file}: page the next level when the current one "
        "has not responded by its time.",
        "",
        *table(("level", "who", "responds"), rows),
        *_examples_warning(facts, [level.email for level in monitoring.escalation], "escalationLevels"),
    ]
