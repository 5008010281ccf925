"""What the plan's process knows of the policy pack without running it: which policy config a plan
uses, and how to read the pack's verdicts. Light on purpose: the pack's gRPC client (ops/program/pack.py)
runs in the judge process only."""

from __future__ import annotations

import re
from pathlib import Path

from ops.analyzer.config import PolicyConfigError, load_policy_config, production_fingerprints
from ops.shared.errors import UsageError
from ops.shared.project import ROOT

# The pack's one note per rule a preview could not finish (policies/rules/checked_during_update.py):
# "RULE: N resource(s) … values known only during the update; the update checks them and fails closed".
NOTES_POLICY = "checked-during-update"
_NOTE = re.compile(r"^(?P<rule>[a-z0-9-]+): (?P<count>\d+) resources? ha(?:s|ve) values known only during the update")


def deferred_note(policy: str, message: str) -> tuple[str, int] | None:
    """(rule, resources) of the pack's note that a rule was deferred to the update; None for any other verdict."""
    found = _NOTE.match(message.partition("\n")[2]) if policy == NOTES_POLICY else None
    return (found["rule"], int(found["count"])) if found else None


def rule_of(policy: str, message: str) -> str:
    """The rule a verdict belongs to: a deferral note's belongs to the rule it names."""
    note = deferred_note(policy, message)
    return note[0] if note else policy


def default_policy_config(stack: str, root: Path = ROOT) -> Path:
    path = root / "policies" / f"config.{stack}.json"
    if not path.is_file():
        raise UsageError(f"no policy config {path.relative_to(root)} for stack {stack!r}; pass --policy-config FILE")
    return path


def read_policy_config(stack: str, root: Path, policies: Path | bool) -> tuple[Path, frozenset[str]]:
    """The plan's policy config file (absolute) and its production fingerprints; a bad file is the user's
    error, found before any process starts."""
    source = default_policy_config(stack, root) if policies is True else Path(policies)
    try:
        given = load_policy_config(source)
    except PolicyConfigError as exc:
        raise UsageError(str(exc)) from None
    return source.resolve(), production_fingerprints(given)
