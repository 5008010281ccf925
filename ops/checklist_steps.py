"""The steps before a stack's first `pulumi up`, each checked where something here can see it: ✅ done or
❌ to do with what was found, "manual" with the exact instruction where nothing can."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ops.checklist_probes import git_committed, last_line, render_owners, run_cli, stack_file_keys, workflow_names
from ops.errors import UsageError
from ops.facts import POLICY_FLAGS, StackFacts
from ops.plan_runner import PlanRefused, run_plan
from policies.rules.stop_before_production import window_problem
from stacks.guard import WINDOW_KEY, evaluate_window
from stacks.settings import ESCALATION_FORMAT, FREE_PLAN_MIN_INTERVAL_SECONDS, is_reserved_example_address

DONE, TODO, MANUAL = "done", "todo", "manual"
PASSPHRASE_VARS = ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE")
# Provider credentials the program's providers read (README "Configuration"); checked by name only.
CREDENTIALS = (
    ("AWS", (("AWS_PROFILE",), ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), ("AWS_WEB_IDENTITY_TOKEN_FILE",))),
    ("Render", (("RENDER_APIKEY",),)),
    ("Sentry", (("SENTRY_AUTH_TOKEN",), ("SENTRY_TOKEN",))),
    ("UptimeRobot", (("UPTIMEROBOT_API_KEY",),)),
)
DEPLOY_WORKFLOWS = ("deploy-staging.yml", "preview.yml", "drift-watch.yml")
INSTALL = "install it: `curl -fsSL https://get.pulumi.com | sh` (https://www.pulumi.com/docs/iac/download-install/)"


@dataclass(frozen=True)
class Step:
    title: str
    status: str  # done | todo | manual
    found: str  # what the check saw (the evidence), or why it cannot check
    action: str = ""  # the exact thing to do; empty when done


def before_first_up(facts: StackFacts, root: Path, env: Mapping[str, str], render_api: str) -> list[Step]:
    steps = [
        _pulumi_cli(),
        _stack_in_backend(facts, root),
        _secrets_provider(facts, root, env),
        _credentials(env),
        _region(facts),
        _allowed_cidrs(facts),
        _contacts(facts),
        _escalation_contacts(facts),
        _render_owner(facts, env, render_api),
        _render_github(facts),
        _sentry_organization(facts),
        _uptime_plan(facts),
    ]
    if facts.production:
        steps += [_program_window(facts), _policy_window(facts, root)]
    else:
        steps.append(_github_environment(facts, root))
    steps += [_policies(facts), _update_accepted(facts), _rehearsal(facts), _first_apply(facts)]
    return steps


def after_first_up(facts: StackFacts) -> list[Step]:
    stack = facts.stack
    monitoring = facts.settings.monitoring
    channels = facts.channels()
    sns = [e for e in monitoring.emails if any(c.startswith("SNS") for c in channels.get(e, []))]
    uptime = [e for e in monitoring.emails if any(c.startswith("UptimeRobot") for c in channels.get(e, []))]
    sentry = [e for e in monitoring.emails if any(c.startswith("Sentry") for c in channels.get(e, []))]
    region = f" --region {facts.region}" if facts.region else ""
    steps = []
    if sns:
        steps.append(
            Step(
                "Alarm e-mail subscriptions confirmed",
                MANUAL,
                f"the plan subscribes {len(sns)} address(es) to the alarm topic; AWS sends each a confirmation "
                "mail and delivers nothing until it is confirmed",
                f"each of {', '.join(sns)} opens the mail from AWS Notifications and clicks *Confirm subscription*. "
                f"Check: `aws{region} sns list-subscriptions-by-topic --topic-arn "
                f"$(pulumi stack output alarmTopicArn -s {stack}) --query 'Subscriptions[].[Endpoint,SubscriptionArn]' "
                "--output text` shows no `PendingConfirmation`.",
            )
        )
    if uptime:
        steps.append(
            Step(
                "UptimeRobot alert contacts activated",
                MANUAL,
                f"the plan creates {len(uptime)} e-mail alert contact(s); UptimeRobot alerts only activated ones",
                f"each of {', '.join(uptime)} clicks the activation link in UptimeRobot's mail; the contacts then "
                "show as active under *Integrations & Team* → *Alert contacts*.",
            )
        )
    if sentry:
        steps.append(
            Step(
                "On-call people are members of the Sentry organization",
                MANUAL,
                f"the plan puts {len(sentry)} existing member(s) of the organization "
                f"`{monitoring.sentry_organization}` on this stack's team `{monitoring.sentry_team}-{stack}`; "
                "the stack never invites anyone",
                f"invite each of {', '.join(sentry)} in Sentry (Settings → Members) and have them accept before "
                "the first up; with SENTRY_AUTH_TOKEN set, a preview names anyone who is not a member yet.",
            )
        )
    steps += [
        Step(
            "The running app passes its checks",
            MANUAL,
            "needs the deployed app",
            f"`python -m ops verify --stack {stack} --report verify-report.json`"
            + ("" if facts.production else " (or `make verify`)")
            + " exits 0.",
        ),
        Step(
            "Readiness recorded",
            MANUAL,
            "needs the verification report",
            f"`python -m ops readiness {stack} --verify-report verify-report.json` lists every item with its "
            "evidence; keep it with the release.",
        ),
    ]
    return steps


def _pulumi_cli() -> Step:
    result = run_cli("version")
    if result is None:
        return Step("Pulumi CLI installed", TODO, "`pulumi` is not on PATH", INSTALL)
    code_, out, err = result
    if code_ != 0:
        return Step("Pulumi CLI installed", TODO, f"`pulumi version` failed: {last_line(err)}", INSTALL)
    return Step("Pulumi CLI installed", DONE, f"`pulumi version` answers {out.strip() or 'without a version'}")


def _stack_in_backend(facts: StackFacts, root: Path) -> Step:
    stack = facts.stack
    title = f"Logged in to the state backend, stack `{stack}` exists"
    init = (
        "`pulumi login` (Pulumi Cloud; or your team's `s3://` bucket; or `pulumi login --local` to try it), then "
        f"`pulumi stack init {stack} --secrets-provider passphrase` (or `--secrets-provider awskms://alias/kk`)"
    )
    result = run_cli("stack", "ls", "--json", root=root)
    if result is None:
        return Step(title, TODO, "cannot check: the pulumi CLI is not on PATH", f"{INSTALL}; then {init}")
    code_, out, err = result
    if code_ != 0:
        return Step(title, TODO, f"`pulumi stack ls` failed: {last_line(err)}", init)
    try:
        names = [entry.get("name", "") for entry in json.loads(out)]
    except (json.JSONDecodeError, AttributeError, TypeError):
        return Step(title, TODO, "`pulumi stack ls --json` did not print a JSON list", init)
    if any(name.split("/")[-1] == stack for name in names):
        return Step(title, DONE, f"`pulumi stack ls` lists `{stack}`")
    return Step(title, TODO, f"`pulumi stack ls` lists {len(names)} stack(s) of this project, not `{stack}`", init)


def _secrets_provider(facts: StackFacts, root: Path, env: Mapping[str, str]) -> Step:
    keys = stack_file_keys(facts)
    name = facts.stack_file
    title = "Secrets provider set up and its settings committed"
    if "encryptionsalt" not in keys and "secretsprovider" not in keys:
        return Step(
            title,
            TODO,
            f"{name} has neither `encryptionsalt` (passphrase provider) nor `secretsprovider` (e.g. AWS KMS)",
            f"`pulumi stack init {facts.stack} --secrets-provider passphrase` (or `awskms://alias/kk`) adds it; "
            f"commit {name} with it (`git add {name} && git commit`). With Pulumi Cloud's default provider the file "
            "stays without either and this step stays open: check it by hand.",
        )
    kind = "a passphrase salt (`encryptionsalt`)" if "encryptionsalt" in keys else "`secretsprovider`"
    problem = git_committed(facts.config.path, root)
    if problem:
        return Step(title, TODO, f"{name} carries {kind}, but {problem}", f"commit {name}")
    if "encryptionsalt" in keys and "secretsprovider" not in keys and not any(v in env for v in PASSPHRASE_VARS):
        return Step(
            title,
            TODO,
            f"{name} carries {kind} and is committed, but neither {' nor '.join(PASSPHRASE_VARS)} is set",
            "`export PULUMI_CONFIG_PASSPHRASE_FILE=~/.config/kk-passphrase` (the team's passphrase, never in git)",
        )
    return Step(title, DONE, f"{name} carries {kind} and is committed")


def _credentials(env: Mapping[str, str]) -> Step:
    missing, present = [], []
    for provider, alternatives in CREDENTIALS:
        found = next((names for names in alternatives if all(env.get(n) for n in names)), None)
        if found:
            present.append(f"{provider} ({' + '.join(found)})")
        else:
            missing.append(f"{provider}: " + " or ".join(" + ".join(names) for names in alternatives))
    title = "Provider credentials in the environment (checked by name only)"
    if missing:
        return Step(
            title,
            TODO,
            "missing " + "; ".join(missing) + (f" (set: {', '.join(present)})" if present else ""),
            "export them in the shell that runs `pulumi` (README → Configuration); never write them to a stack file",
        )
    return Step(title, DONE, "set: " + ", ".join(present))


def _region(facts: StackFacts) -> Step:
    if facts.region:
        return Step("AWS region set in the stack", DONE, f"`aws:region` is `{facts.region}` in {facts.stack_file}")
    return Step(
        "AWS region set in the stack",
        TODO,
        f"{facts.stack_file} has no `aws:region`",
        f"`pulumi config set aws:region us-east-1 -s {facts.stack}` (or the region you deploy to)",
    )


def _allowed_cidrs(facts: StackFacts) -> Step:
    database = facts.settings.database
    documentation = database.documentation_cidrs()
    title = "Render's outbound IPs in `kitchen-kontrol:dbAllowedCidrs`"
    region = facts.settings.render.region
    where = (
        f"Render dashboard → a service in `{region}` → *Connect* → *Outbound* lists the IP ranges; put them in "
        f"`kitchen-kontrol:dbAllowedCidrs` in {facts.stack_file}"
    )
    if documentation:
        return Step(
            title,
            TODO,
            f"{len(documentation)} of {len(database.allowed_cidrs)} range(s) are RFC 5737 documentation ranges "
            f"({', '.join(documentation)}); the program refuses an update with them",
            where,
        )
    return Step(
        title,
        DONE,
        f"{len(database.allowed_cidrs)} range(s), none a documentation range: {', '.join(database.allowed_cidrs)}",
    )


def _contacts(facts: StackFacts) -> Step:
    emails = facts.settings.monitoring.emails
    examples = [e for e in emails if is_reserved_example_address(e)]
    title = "Real on-call people in `kitchen-kontrol:oncallContacts`"
    if examples:
        return Step(
            title,
            TODO,
            f"{len(examples)} of {len(emails)} address(es) are at reserved example domains: {', '.join(examples)}; "
            "the program refuses an update with them",
            f'entries like "primary: Jane Doe <jane@example.com>" with real addresses in {facts.stack_file}, at least '
            "one primary",
        )
    return Step(title, DONE, f"{len(emails)} address(es), none at an example domain: {', '.join(emails)}")


def _escalation_contacts(facts: StackFacts) -> Step:
    levels = facts.settings.monitoring.escalation
    named = [level.email for level in levels if level.email]
    examples = [e for e in named if is_reserved_example_address(e)]
    title = "Real people in `kitchen-kontrol:escalationLevels`"
    summary = f"{len(levels)} level(s), {len(named)} named person(s)"
    if examples:
        return Step(
            title,
            TODO,
            f"{summary}; at reserved example domains: {', '.join(examples)}",
            f"replace them in `kitchen-kontrol:escalationLevels` in {facts.stack_file} (entries like "
            f"{ESCALATION_FORMAT}, with real addresses)",
        )
    return Step(title, DONE, summary + (", none at an example domain" if named else " (on-call roles only)"))


def _render_owner(facts: StackFacts, env: Mapping[str, str], render_api: str) -> Step:
    owner = facts.settings.render.owner_id
    title = "Render workspace: `kitchen-kontrol:renderOwnerId` set or resolvable"
    set_it = f"set `kitchen-kontrol:renderOwnerId` (the workspace id, starting `tea-` or `usr-`) in {facts.stack_file}"
    if owner:
        return Step(title, DONE, f"`renderOwnerId` is `{owner}`")
    if not env.get("RENDER_APIKEY"):
        return Step(
            title,
            TODO,
            "`renderOwnerId` is unset and RENDER_APIKEY is not set, so the key's workspace cannot be looked up",
            f"export RENDER_APIKEY (then this check asks Render), or {set_it}",
        )
    ids, problem = render_owners(env["RENDER_APIKEY"], render_api)
    if problem:
        return Step(title, TODO, f"`renderOwnerId` is unset and {problem}", set_it)
    if len(ids) == 1:
        return Step(title, DONE, f"`renderOwnerId` is unset; the API key sees exactly one workspace, `{ids[0]}`")
    shown = ", ".join(ids) if ids else "none"
    return Step(title, TODO, f"`renderOwnerId` is unset and the API key sees {len(ids)} workspaces ({shown})", set_it)


def _render_github(facts: StackFacts) -> Step:
    app = facts.settings.app
    owner_repo = app.repo.removesuffix(".git").split("github.com/", 1)[1]
    return Step(
        "Render can read the app repository",
        MANUAL,
        f"Render builds `{app.branch}` of {app.repo}; whether its GitHub app may read it is not visible from here",
        f"on GitHub, install the Render app (https://github.com/apps/render → Configure) for the account owning "
        f"`{owner_repo}` with access to that repository, in the same Render workspace the stack deploys to; "
        "auto-deploy on push needs it.",
    )


def _sentry_organization(facts: StackFacts) -> Step:
    monitoring = facts.settings.monitoring
    kinds: dict[str, int] = {}
    for resource in facts.plan.resources:
        if resource.type.startswith("sentry:"):
            kind = re.sub(r"(?<!^)(?=[A-Z])", " ", resource.type.rsplit(":", 1)[1].removeprefix("Sentry")).lower()
            kinds[kind] = kinds.get(kind, 0) + 1
    created = ", ".join(f"{kind} ({count})" for kind, count in sorted(kinds.items()))
    return Step(
        "Sentry organization and token",
        MANUAL,
        f"the plan creates in organization `{monitoring.sentry_organization}`: {created or 'nothing'}",
        f"make sure the organization `{monitoring.sentry_organization}` exists and that SENTRY_AUTH_TOKEN is an "
        "organization token (or internal integration) allowed to create and change what is listed.",
    )


def _uptime_plan(facts: StackFacts) -> Step:
    monitoring = facts.settings.monitoring
    title = "UptimeRobot plan fits the monitor"
    if monitoring.uptime_interval_seconds < FREE_PLAN_MIN_INTERVAL_SECONDS:
        return Step(
            title,
            MANUAL,
            f"`uptimeIntervalSeconds` is {monitoring.uptime_interval_seconds}: the free plan checks at most "
            f"every {FREE_PLAN_MIN_INTERVAL_SECONDS} s",
            "confirm the UptimeRobot account of UPTIMEROBOT_API_KEY is on a paid plan, or set "
            f"`kitchen-kontrol:uptimeIntervalSeconds: {FREE_PLAN_MIN_INTERVAL_SECONDS}` in {facts.stack_file}",
        )
    threshold = monitoring.uptime_failure_threshold
    note = "" if threshold == 1 else f"; the free plan alerts at the first failure instead of after {threshold}"
    interval = monitoring.uptime_interval_seconds
    return Step(
        title, DONE, f"`uptimeIntervalSeconds` is {interval} (free plan: ≥ {FREE_PLAN_MIN_INTERVAL_SECONDS}){note}"
    )


def _program_window(facts: StackFacts) -> Step:
    raw = facts.config.config.get(WINDOW_KEY)
    verdict = evaluate_window(raw, datetime.now(UTC), facts.config.stack)
    title = "The program's key: `kitchen-kontrol:releaseWindow`"
    if verdict.open:
        return Step(title, DONE, verdict.reason)
    stack = facts.stack
    return Step(
        title,
        TODO,
        verdict.reason,
        "once the release is approved, with APPROVER and CHANGE set to the approver and the change ticket: "
        f'`pulumi config set --path -s {stack} releaseWindow.approvedBy "$APPROVER"`, '
        f'`pulumi config set --path -s {stack} releaseWindow.changeReference "$CHANGE"`, '
        f'`pulumi config set --path -s {stack} releaseWindow.notBefore "$(date -u +%FT%T+00:00)"`, '
        f"`pulumi config set --path -s {stack} releaseWindow.notAfter \"$(date -u -d '+2 hours' +%FT%T+00:00)\"` "
        "(at most 24 h).",
    )


def _policy_window(facts: StackFacts, root: Path) -> Step:
    path = root / "policies" / f"config.{facts.stack}.json"
    title = "The policy owners' key: `releaseWindow` of `stop-before-production`"
    try:
        config = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        return Step(title, TODO, f"cannot read {path.name}: {exc.__class__.__name__}", f"fix {path.name}")
    window = (config.get("stop-before-production") or {}).get("releaseWindow") if isinstance(config, dict) else None
    problem = window_problem(window, facts.stack, datetime.now(UTC))
    if problem is None:
        return Step(title, DONE, f"{path.name} holds an open release window for `{facts.stack}`")
    return Step(
        title,
        TODO,
        f"{path.name}: {problem}",
        f'the policy owners add a `"releaseWindow"` object under `"stop-before-production"` in {path.name}: '
        f'`stack` (`"{facts.stack}"`), `approvedBy`, `changeReference`, `notBefore` and `notAfter` (ISO-8601 with a '
        "zone), for the same approved window, in a reviewed pull request (docs/policies.md).",
    )


def _github_environment(facts: StackFacts, root: Path) -> Step:
    secrets, variables = workflow_names(root, DEPLOY_WORKFLOWS)
    return Step(
        "GitHub: the `staging` environment, secrets and variables",
        MANUAL,
        "repository settings are not visible from here; the names below are what the workflows read",
        "Settings → Environments → New environment `staging`: required reviewers (tick *Prevent self-review*), "
        "deployment branches: `main`. Settings → Secrets and variables → Actions: secrets "
        + ", ".join(secrets)  # no backticks: the secret scanner reads `NAME_KEY`, `…` as a quoted value
        + "; variables "
        + ", ".join(variables)
        + ". Restrict the AWS deploy role's trust policy to this repository's `staging` environment "
        "(docs/pipeline.md).",
    )


def _policies(facts: StackFacts) -> Step:
    plan = facts.plan
    title = "Offline plan passes the policy pack"
    stack = facts.stack
    if not plan.policies_ran:
        return Step(title, TODO, "the policy pack did not run", f"`python -m ops plan {stack}`")
    mandatory = plan.mandatory_policies
    resources = len(plan.resources) + 1
    deferred = len({d.policy_name for d in plan.diagnostics if d.enforcement_level == "advisory"})
    if mandatory:
        return Step(
            title,
            TODO,
            f"mandatory violations of {', '.join(mandatory)} on the preview of {resources} resources",
            f"`python -m ops plan {stack}` names each resource and property; fix them",
        )
    return Step(
        title,
        DONE,
        f"no mandatory violation on the preview of {resources} resources"
        + (f"; {deferred} rule(s) advisory or deferred to the update" if deferred else ""),
    )


def _update_accepted(facts: StackFacts) -> Step:
    title = "The program accepts an update of this stack"
    try:
        run_plan(facts.stack, preview=False, root=facts.config.path.parent)
    except PlanRefused as exc:
        return Step(title, TODO, f"the update-phase offline plan is refused: {exc}", "fix what it names, above")
    except UsageError as exc:
        return Step(title, TODO, f"the update-phase offline plan failed: {exc}", "fix what it names")
    return Step(title, DONE, f"`python -m ops plan {facts.stack} --as-update` passes the program's checks")


def _rehearsal(facts: StackFacts) -> Step:
    stack = facts.stack
    return Step(
        "Dress rehearsal with the real engine",
        MANUAL,
        "needs the Pulumi engine build (`make engine`) and takes minutes, so it is not run here",
        f'`python -m ops rehearse {stack} --json > rehearsal.json` ends with `"ok": true`; pass the file to '
        f"`python -m ops readiness {stack} --rehearsal-report rehearsal.json`.",
    )


def _first_apply(facts: StackFacts) -> Step:
    stack = facts.stack
    flags = POLICY_FLAGS.format(stack=stack)
    if facts.production:
        return Step(
            "The first apply",
            MANUAL,
            "this project never applies production: no Make target or workflow does",
            f"inside the approved window the release team runs `pulumi preview -s {stack} {flags}`, reads it, then "
            f"`pulumi up -s {stack} {flags}`.",
        )
    return Step(
        "The first apply",
        MANUAL,
        "an apply is a decision, not a check",
        f"`make preview` (`pulumi preview -s {stack} {flags}`) and read it; then merge to `main` so "
        "`deploy-staging.yml` applies it after `ci.yml` passed and a reviewer approved, or `make up` locally.",
    )
