"""The runbook's recovery commands as argument lists, in one place: `ops rehearse --faults` runs exactly
these (ops.rehearsal.faults) and `ops runbook` prints them (ops.runbook_recovery). Plain data, no imports
beyond the standard library, so the runbook does not load the rehearsal.

The rehearsal has no terminal: it appends NON_INTERACTIVE to the `up`s the runbook prints without it.
"""

from __future__ import annotations

NON_INTERACTIVE = ("--yes", "--skip-preview")


def policy_flags(stack: str) -> list[str]:
    return ["--policy-pack", "policies", "--policy-pack-config", f"policies/config.{stack}.json"]


def inspect_state(stack: str) -> list[str]:
    """The state as JSON: `deployment.pending_operations` lists what an interrupted `up` left in flight."""
    return ["stack", "export", "-s", stack]


def unlock(stack: str) -> list[str]:
    """Deletes every lock of the stack (DIY backends: `.pulumi/locks/…` in the bucket), a running update's too."""
    return ["cancel", "-s", stack, "--yes"]


def clear_pending_creates(stack: str) -> list[str]:
    return ["refresh", "-s", stack, "--yes", "--clear-pending-creates"]


def apply(stack: str) -> list[str]:
    return ["up", "-s", stack, *policy_flags(stack)]


def settled(stack: str) -> list[str]:
    return ["preview", "-s", stack, "--expect-no-changes", *policy_flags(stack)]


def drift_watch(stack: str) -> list[str]:
    """What drift-watch.yml runs (pulumi/actions: command preview, refresh, expect-no-changes)."""
    return ["preview", "-s", stack, "--refresh", "--expect-no-changes", *policy_flags(stack)]


def repair_drift(stack: str) -> list[str]:
    """An `up` that reads the cloud first: without --refresh the state still holds the old values and sees nothing."""
    return ["up", "-s", stack, "--refresh", *policy_flags(stack)]


def interrupted_up(stack: str) -> list[list[str]]:
    """After a killed `up`, in this order (the fault rehearsal's `interrupted-up` runs them)."""
    return [inspect_state(stack), unlock(stack), clear_pending_creates(stack), apply(stack), settled(stack)]


def locked(stack: str) -> list[list[str]]:
    """A stack whose lock outlived its update (the `concurrent-up` scenario shows the message)."""
    return [unlock(stack), apply(stack)]


def rehearsed(args: list[str]) -> list[str]:
    """The command as the rehearsal runs it: an `up` without a terminal needs --yes and --skip-preview."""
    return [*args, *NON_INTERACTIVE] if args[:1] == ["up"] else list(args)
