"""The fault scenarios on the lifecycle's own stack and file backend: `interrupted-up`, `drift`, `outage-mid-up`.

Each changes the stack the way a team would (a new on-call person, a hand edit in a dashboard), puts a
fault in a fake, and checks the recovery the runbook documents (ops.rehearsal.recovery).
"""

from __future__ import annotations

import re

from ops.rehearsal.faults.scenario import HOLD_SECONDS, LOCKED, FaultRun, Outcome
from ops.shared import recovery

INTERRUPTED = "up (killed)"
CONTACT_PATH = "/v3/alert-contacts"
CHANGES = 7  # the CLI's ExitNoChanges: `--expect-no-changes` met a change
PAUSE_UNSEEN = (
    "a paused monitor is invisible to the drift watch and `up --refresh` does not resume it: `status` is an output "
    "of the UptimeRobot monitor (components/uptimerobot/monitor.py), not an input the diff compares"
)
TRACEBACK = (
    "the failed `up` shows the Python traceback around the provider's message: the SDK's dynamic-provider host "
    "aborts with traceback.format_exc() (pulumi/dynamic/__main__.py)"
)


def interrupted_up(run: FaultRun, outcome: Outcome) -> None:
    """A new on-call person; the UptimeRobot fake applies the contact's create and holds the reply
    until the CLI (and all it started) is SIGKILLed: the contact exists, the state only knows it is pending."""
    stack, apis = run.stack, run.apis
    run.add_contact(outcome, 2, "Rehearsal Standby", "standby@kitchen-kontrol-rehearsal.dev")
    hold = apis.uptimerobot.inject("POST", CONTACT_PATH, "timeout", commit=True, delay=HOLD_SECONDS)
    up = run.start(recovery.apply(stack), "interrupted-up")
    try:
        reached = hold.reached.wait(HOLD_SECONDS)
        outcome.check(reached and up.process.poll() is None, "the `up` never reached the held create")
        up.kill()
    finally:
        hold.released.set()
    killed = up.step(INTERRUPTED, expect_success=False)
    outcome.commands.append(killed)
    outcome.exit_code = killed.exit_code
    after_kill = run.state()
    outcome.check(
        any("AlertContact" in p or "standby" in p for p in after_kill.get("pendingOperations", [])),
        f"the killed `up` left no pending create: {after_kill.get('pendingOperations')}",
    )
    # The lock the dead CLI left behind stops the next update, with the message the runbook quotes.
    blocked = run.command(outcome, "up refused: locked", recovery.apply(stack), expect_success=False)
    outcome.check(LOCKED in blocked.output, "the next `up` did not fail on the lock")
    names = ("stack export", "cancel", "refresh --clear-pending-creates", "up", "preview --expect-no-changes")
    for name, args in zip(names, recovery.interrupted_up(stack), strict=True):
        run.command(outcome, name, args)
    outcome.state = {"afterKill": after_kill}
    run.converged(outcome)
    outcome.state = {"afterKill": after_kill, **outcome.state}


# A resource's planned change in the CLI's preview: ` ~  TYPE NAME update [diff: ~key,+key]`, ` +  TYPE NAME create`.
_CHANGE = re.compile(
    r"^ [-+~]{1,2}[ \t]+\S+ (\S+) (?:create|update|delete|replace)\S*[ \t]*(?:\[diff: ([^\]]*)\])?", re.M
)


def planned_changes(output: str) -> dict[str, tuple[str, ...]]:
    """Each resource the preview would change (by name), with the keys of its diff; refreshes are not changes."""
    return {
        match[1]: tuple(key.lstrip("~+-") for key in match[2].split(",")) if match[2] else ()
        for match in _CHANGE.finditer(output)
    }


def _monitor(monitors: dict, suffix: str) -> dict:
    """The API's (" health") or the frontend's (" frontend") monitor: the engine creates the two in either order."""
    return next(m for m in monitors.values() if m["friendlyName"].endswith(suffix))


def drift(run: FaultRun, outcome: Outcome) -> None:
    """Edits in the dashboards, seen by one drift watch: the frontend's monitor paused, the API's interval changed,
    a contact deleted, a person taken off the team. Whether the watch saw the pause is in the paused monitor's diff
    (a known blind spot, reported as a finding while it is one)."""
    stack, apis = run.stack, run.apis
    monitors, contacts = apis.uptimerobot.monitors, apis.uptimerobot.contacts
    with apis.uptimerobot._lock:
        _monitor(monitors, " frontend")["status"] = "PAUSED"
        health = _monitor(monitors, " health")
        health["interval"] = 3600
        gone = next(c for c in contacts.values() if c["value"].startswith("oncall@"))
        del contacts[gone["id"]]
        health["assignedAlertContacts"] = [
            a for a in health["assignedAlertContacts"] if int(a["alertContactId"]) != gone["id"]
        ]
    member = next(m for m in apis.sentry.members.values() if m["email"].startswith("ops@"))
    removed_from = member["teams"].pop()
    watch = run.command(outcome, "drift watch", recovery.drift_watch(stack), expect_success=False)
    outcome.exit_code = watch.exit_code
    outcome.check(watch.exit_code == CHANGES, f"the drift watch exited {watch.exit_code}, not {CHANGES} (changes)")
    changes = planned_changes(watch.output)
    expected_names = {
        "the monitor": "kitchen-kontrol-staging-uptime-health",
        "the deleted contact": "kitchen-kontrol-staging-uptime-contact-oncall-kitchen-kontrol-rehearsal-dev",
        "the removed team member": "kitchen-kontrol-staging-sentry-team-member-ops-kitchen-kontrol-rehearsal-dev",
    }
    for what, name in expected_names.items():
        outcome.check(name in changes, f"the drift watch plans no change to {what} ({name})")
    # The frontend's monitor changes anyway (its contacts include the re-created one): only a `status` diff
    # says the pause was seen.
    pause_seen = "status" in changes.get("kitchen-kontrol-staging-uptime-frontend", ())
    run.command(outcome, "up --refresh", recovery.repair_drift(stack))
    run.command(outcome, "drift watch (clean)", recovery.drift_watch(stack))
    run.converged(outcome)
    with apis.uptimerobot._lock:
        interval = _monitor(monitors, " health")["interval"]
        still_paused = _monitor(monitors, " frontend")["status"] == "PAUSED"
    outcome.check(interval == 300, f"the monitor's interval is {interval}, not 300")
    if not pause_seen and still_paused:
        outcome.findings.append(PAUSE_UNSEEN)
    else:  # the provider learnt to see it: then the repair must hold too
        outcome.check(pause_seen and not still_paused, "a paused monitor: seen but not resumed")
    outcome.check(removed_from in member["teams"], f"{member['email']} is not back on {removed_from}")


def outage_mid_up(run: FaultRun, outcome: Outcome) -> None:
    """A new on-call person while both APIs fail: UptimeRobot answers 503 twice (its client retries), Sentry
    answers 502 until the outage ends, longer than its client's retry budget: the `up` fails naming Sentry and
    the status, the rerun after the outage converges."""
    stack, apis = run.stack, run.apis
    run.add_contact(outcome, 3, "Rehearsal Night", "night@kitchen-kontrol-rehearsal.dev")
    apis.uptimerobot.inject("POST", CONTACT_PATH, "body", status=503, payload={"message": "unavailable"}, times=2)
    posts_before = apis.uptimerobot.calls.count(("POST", CONTACT_PATH))
    outage = [apis.sentry.inject(method, r"/api/.*", "502", times=10_000) for method in ("GET", "POST")]
    try:
        failed = run.command(outcome, "up during the outage", recovery.apply(stack), expect_success=False)
    finally:
        for fault in outage:
            fault.times = 0
    outcome.exit_code = failed.exit_code
    outcome.check("502" in failed.output and "Sentry" in failed.output, "the failed `up` does not say Sentry 502")
    if "Traceback (most recent call last)" in failed.output:
        outcome.findings.append(TRACEBACK)
    run.command(outcome, "up after the outage", recovery.apply(stack))
    # Counted over both `up`s: the engine may stop the first on Sentry's error before it sends the contact's
    # create (it starts no new step after a failure), and then the rerun meets the 503s. Either way: two refused,
    # one applied, never a duplicate.
    posts = apis.uptimerobot.calls.count(("POST", CONTACT_PATH)) - posts_before
    outcome.check(posts == 3, f"UptimeRobot got {posts} contact creates, expected two refused and one applied")
    run.command(outcome, "preview --expect-no-changes", recovery.settled(stack))
    run.converged(outcome)
    outcome.fakes["uptimeRobotContactPosts"] = posts
