"""The runbook's incidents: what to look at and what to do, one subsection per kind of trouble."""

from __future__ import annotations

from ops.program.facts import SECRET_FILE, WEB_SERVICE, StackFacts
from ops.runbook.values import DeployValues, apply_note, auto_deploy, aws_cli, health_url_expr, place
from ops.shared.markdown import NOT_DEPLOYED, code


def incidents(facts: StackFacts, v: DeployValues) -> list[str]:
    settings = facts.settings
    app, db, render, monitoring = settings.app, settings.database, settings.render, settings.monitoring
    stack = facts.stack
    identifier = facts.db_identifier
    aws = aws_cli(v)
    env_vars = facts.env_vars()
    plain = ", ".join(code(name) for name, secret in env_vars if not secret)
    secret = ", ".join(code(name) for name, secret in env_vars if secret)
    host = v.db_host or f"$(pulumi stack output databaseEndpoint -s {stack} | cut -d: -f1)"
    alarm_prefix = facts.alarm_prefix()
    on_push = auto_deploy(facts)
    preview = f"pulumi preview --refresh -s {stack} {facts.policy_flags}"
    ca_file = f"/etc/secrets/{facts.inputs(facts.one(SECRET_FILE))['secretFileName']}"
    pre_deploy = facts.inputs(facts.one(WEB_SERVICE))["serviceDetails"].get("preDeployCommand")
    lines = ["## Incidents", ""]

    lines += [
        "### The app answers 500 or the health check fails",
        "",
        "Diagnose:",
        "",
        f'1. `curl -sS -i "{health_url_expr(facts, v)}"`: anything but `200` with `{{"status":"ok"}}` is the incident.',
        f"2. Sentry: {place(v.sentry_project, 'the project')}, filtered on environment {code(app.node_env)} (the "
        "app's `NODE_ENV`, which the alert filters on too); the newest issue "
        "usually names the failing route.",
        f"3. Render logs: {place(v.render_dashboard, 'Render dashboard')} → Logs. The app logs at "
        f"{code(app.log_level)}; raise `kitchen-kontrol:appLogLevel` to `debug` while you look.",
        f"4. The env vars this stack sets: {plain}; secrets {secret}. Drift from the stack shows in `{preview}`.",
        "",
        "Fix: a missing or changed env var comes back with the next apply. " + apply_note(facts) + " A bad release: "
        "see Rollback; a database error in the log: see the next incident.",
        "",
        "### The page does not load but the health check passes",
        "",
        f"The page is the React build on its own static site ({place(v.frontend_url, 'its URL')}); the API "
        "serves no HTML (404 at `/`). `python -m ops verify --stack "
        f"{stack}` names which of `home` (the page) and `spa-route` (the `/* -> /index.html` rewrite) fails. A "
        "page that loads but shows no data calls the wrong API: the browser's network tab shows the URL it calls "
        "(`REACT_APP_API_URL` at build time); see *A deploy failed* for building it again.",
        "",
    ]

    cidrs = ", ".join(code(c) for c in db.allowed_cidrs)
    lines += [
        "### Database connection failures",
        "",
        f"Endpoint {code(v.db_endpoint) if v.db_endpoint else NOT_DEPLOYED}, instance {code(identifier)}, database "
        f"{code(db.name)}, user {code(db.username)}, port 5432, TLS only (`rds.force_ssl=1`), the server verified: "
        f"`DATABASE_URL` carries `sslmode=verify-full&sslrootcert={ca_file}`, Amazon RDS's CA bundle as a Render "
        "secret file (`NODE_EXTRA_CA_CERTS` names it too). Only these client ranges reach port 5432: "
        f"{cidrs} (`kitchen-kontrol:dbAllowedCidrs`).",
        "",
        "Diagnose:",
        "",
        f"1. `{aws} rds describe-db-instances --db-instance-identifier {identifier} "
        "--query 'DBInstances[0].[DBInstanceStatus,Endpoint.Address]' --output text`: expect `available`.",
        f'2. From a host inside an allowed range: `pg_isready -h "{host}" -p 5432 -d {db.name}`; from anywhere '
        "else it times out by design.",
        f"3. Render's outbound IPs (Render dashboard → the service → Connect → Outbound) must be inside the ranges "
        f"above; if Render changed them, update `kitchen-kontrol:dbAllowedCidrs`. {apply_note(facts)}",
        f"4. Connection count (alarm above {monitoring.alarm_connections}): `{aws} cloudwatch get-metric-statistics "
        f"--namespace AWS/RDS --metric-name DatabaseConnections --dimensions Name=DBInstanceIdentifier,"
        f"Value={identifier} --statistics Maximum --period 300 --start-time $(date -u -d '-1 hour' +%FT%TZ) "
        "--end-time $(date -u +%FT%TZ)`.",
        f"5. Free storage (alarm below {monitoring.alarm_free_storage_gib} GiB; storage grows automatically up to "
        f"{db.max_allocated_storage} GiB, `kitchen-kontrol:dbMaxAllocatedStorage`).",
        "6. A TLS refusal in the log (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `self-signed certificate in certificate "
        "chain`, psql's `certificate verify failed`): the instance's certificate is not from a CA in "
        f"{code(ca_file)}. Check the secret file exists (dashboard → Environment → Secret Files), that the "
        f"instance's `CACertificateIdentifier` is `rds-ca-rsa2048-g1` (`{aws} rds describe-db-instances "
        f"--db-instance-identifier {identifier} --query 'DBInstances[0].CACertificateIdentifier'`) and that "
        "`DATABASE_URL` still names the file. Keep `sslmode=verify-full` with that file, whatever the deadline: "
        "a new AWS CA goes into `components/data/` (its README says how), never a weaker mode or driver option.",
        "",
        "Fix: a stopped instance: `"
        + f"{aws} rds start-db-instance --db-instance-identifier {identifier}`; wrong ranges: update them as in "
        "step 3; too many connections: restart the service from the Render dashboard and look for "
        "a connection leak. The master password exists only in the stack (a Pulumi secret): never change it in "
        "the AWS console, the app would lose its `DATABASE_URL`. Lost or corrupted data: restore from backup as "
        "*Backup and restore* says (a new instance through `kitchen-kontrol:dbRestore`, never a rename).",
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
        f"{apply_note(facts)} A database class change waits for the maintenance window "
        f"({code(str(facts.inputs(facts.db_instance()).get('maintenanceWindow')))} UTC; the stack sets "
        "`applyImmediately: false`).",
        "",
    ]

    deploy_lines = [
        "### A deploy failed",
        "",
        f"- **App build or start on Render** (Render builds `{app.branch}` of {app.repo}"
        + (" on every push" if on_push else "")
        + f"): dashboard → Events → the failed deploy's log. Build command {code(app.build_command)}, start command "
        f"{code(app.start_command)}, port {app.port}. Until a deploy passes its health check Render keeps the "
        "previous one serving.",
        _migration_line(pre_deploy),
        f"- **Frontend build on Render** (the static site {code(settings.resource_prefix + '-frontend')}, "
        f"{place(v.frontend_dashboard, 'its dashboard')} → Events): build command {code(app.frontend_build_command)}, "
        f"published from {code(app.frontend_publish_path)}. A failed build leaves the previous build online. "
        "`REACT_APP_API_URL` (the API's URL) is baked into the bundle when it builds: after an apply that changes "
        "the API's URL (a custom domain), build the site again (dashboard → *Manual Deploy* → *Deploy latest "
        "commit*) before the page calls the new URL.",
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
            "request, or use *Re-run failed jobs* for a transient error. A cancelled or killed update leaves the stack "
            "locked with pending operations: see *An `up` was interrupted* below.",
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
        f"`alarmFreeStorageGib`, `alarmConnections`, `uptimeFailureThreshold`. {apply_note(facts)}",
    ]
    return lines


def _migration_line(pre_deploy: str | None) -> str:
    if not pre_deploy:
        return (
            "- **Migrations**: no pre-deploy command (`kitchen-kontrol:appPreDeployCommand` is empty): run "
            "`npm run migrate:up -- --migrations-dir db/migrations` from the service's Shell before a release that "
            "needs them."
        )
    return (
        f"- **Migrations** (pre-deploy command {code(pre_deploy)}, `kitchen-kontrol:appPreDeployCommand`): a failed "
        "migration fails the deploy before any new instance starts, and the previous version keeps serving on the "
        "old schema (on the very first deploy nothing serves). The deploy's log names the migration and the "
        "PostgreSQL error. node-pg-migrate runs each migration in a transaction by default, so a failed one leaves "
        "no half-applied change; its row is not in `pgmigrations`. Fix the migration in the app and push (a new "
        "deploy retries it); to retry the same commit: dashboard → Manual Deploy → Deploy latest commit. A "
        "migration that failed outside a transaction (`pgm.noTransaction()`) may need its partial changes undone "
        'by hand (Render Shell, `psql "$DATABASE_URL"`) before the retry. Never skip it by emptying the key while '
        "the new code needs the schema."
    )
