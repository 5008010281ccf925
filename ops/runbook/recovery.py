"""The runbook's ways back and out: rollback, interrupted and locked updates, backup and restore, teardown."""

from __future__ import annotations

import shlex

from ops.program.facts import StackFacts
from ops.runbook.values import DeployValues, auto_deploy, place
from ops.shared import recovery
from ops.shared.markdown import code


def rollback(facts: StackFacts, v: DeployValues) -> list[str]:
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
        + (" automatically (auto-deploy is on)." if auto_deploy(facts) else ".")
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


def teardown(facts: StackFacts) -> list[str]:
    stack = facts.stack
    protected = facts.protected()
    instance = facts.inputs(facts.db_instance())
    final = instance.get("finalSnapshotIdentifier")
    lines = ["## Teardown", ""]
    if facts.production:
        lines += [
            "This project never destroys production: no Make target or workflow runs `pulumi destroy` on it. The "
            "same guards as staging hold: RDS deletion protection "
            f"({'on' if facts.settings.database.deletion_protection else 'off'}, "
            "`kitchen-kontrol:dbDeletionProtection`), "
            "the policy rule `rds-instance-deletion-protection`, and `protect` on every one of its "
            f"{len(protected)} resources: the program protects every resource of a production stack (a stack "
            "transform, `stacks/protection.py`; `ops plan` runs it as the engine does), so `pulumi destroy`, "
            "`--exclude-protected` and `--target` delete nothing. "
            "Removing one resource is a release step of its own, per resource, inside an open release window: "
            f"`pulumi state unprotect -s {stack} 'URN'` for that URN only (never `--all`), then the reviewed change "
            "that stops declaring it, applied with both keys. Anything still declared is protected again by the "
            "next update.",
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


def interrupted(facts: StackFacts) -> list[str]:
    """The recovery `ops rehearse staging --faults` proves (scenarios `interrupted-up` and `concurrent-up`)."""
    stack = facts.stack
    lines = ["## Interrupted and locked updates", ""]
    if facts.production:
        return [
            *lines,
            "This project never applies production, so it never leaves production locked; after an interrupted "
            "release apply the release team follows the staging runbook's steps with `-s production`, and "
            f"`pulumi preview -s {stack} {facts.policy_flags}` shows where the stack stands.",
        ]
    commands = [_pulumi(args) for args in recovery.interrupted_up(stack)]
    notes = (
        "deployment.pending_operations: what was in flight",
        "deletes every lock of the stack, a running update's too",
        "drops the pending creates from the state",
        "",
        "exit 0: nothing left to change",
    )
    return [
        *lines,
        "### An `up` was interrupted",
        "",
        "A cancelled or timed-out `deploy-staging.yml` run (45 minutes), a dead runner or a killed terminal leaves "
        "the stack **locked** and what was being created as **pending operations** in the state: the next `up` "
        "fails with `the stack is currently locked`. First make sure no update is running (no `deploy-staging.yml` "
        "run in progress), then:",
        "",
        "```sh",
        *[f"{command}   # {note}" if note else command for command, note in zip(commands, notes, strict=True)],
        "```",
        "",
        "Dropping a pending create is safe for the UptimeRobot contacts and monitor and the Sentry team "
        "memberships: their create looks for the object first (a contact by address, the monitor by name and URL, "
        "the member on the team) and adopts it, so the `up` makes no duplicate. An AWS or Render resource in "
        "`pending_operations` may exist in the cloud already: find its id there and import it instead "
        f"(`pulumi refresh -s {stack} --yes --import-pending-creates URN ID`; not rehearsed here), or the `up` "
        "fails on the name it already holds. Rehearsed: `python -m ops rehearse staging --faults` "
        "(scenario `interrupted-up`).",
        "",
        "### The stack is locked",
        "",
        "`error: the stack is currently locked by 1 lock(s)` names the lock file in the backend, who took it "
        "(user@host, pid) and when. While that update runs, wait: `deploy-staging.yml` runs one deploy at a time. "
        "Only when no update is running (the lock outlived its process):",
        "",
        "```sh",
        *[_pulumi(args) for args in recovery.locked(stack)],
        "```",
        "",
        "On a backend in a bucket `pulumi cancel` deletes every lock of the stack without asking whose; the lock "
        "is all that keeps two `up`s apart (rehearsed on an S3 API: scenario `concurrent-up`).",
    ]


def _pulumi(args: list[str]) -> str:
    return "pulumi " + " ".join(shlex.quote(arg) for arg in args)
