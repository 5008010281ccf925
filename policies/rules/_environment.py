"""The pack runs with none of its caller's credentials: it judges inputs and never calls a cloud.

The Pulumi CLI starts a policy pack with its whole environment (pkg/resource/plugin/analyzer_plugin.go passes
`env.Global()`; the Python language host adds the stack's values), so `pulumi preview --policy-pack policies`
with AWS keys, RENDER_APIKEY or SENTRY_AUTH_TOKEN exported would hand them all to the pack's process. Before
anything else, the pack's entry point (`policies/__main__.py`) starts itself again, same process id (exec),
with only the variables below, so no credential is in its environment, not even in `/proc/<pid>/environ`.
`ops plan` starts the pack with the same list (ops/analyzer/__init__.py).
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Mapping

# What the interpreter needs.
INTERPRETER = ("PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT")
# What the engine tells the pack about the run (the stack's config included: ConfigureStack carries it too).
ENGINE = (
    "PULUMI_PROJECT",
    "PULUMI_STACK",
    "PULUMI_ORGANIZATION",
    "PULUMI_DRY_RUN",
    "PULUMI_CONFIG",
    "PULUMI_CONFIG_SECRET_KEYS",
    "PYTHONUNBUFFERED",
    "VIRTUAL_ENV",
)
KEPT = frozenset(INTERPRETER + ENGINE)
_MARK = "KK_POLICY_PACK_SCRUBBED"


def scrubbed(environ: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in environ.items() if name in KEPT}


def started_as_the_pack() -> bool:
    """Whether this process is `python -m pulumi.policy ADDR DIR`, as the CLI and `ops plan` start the pack (a
    test that runs the entry point inside its own process must never be replaced by it)."""
    return any(pair == ("-m", "pulumi.policy") for pair in itertools.pairwise(getattr(sys, "orig_argv", [])))


def restart_without_credentials() -> None:
    """exec this pack again with `scrubbed(os.environ)` when anything else is set; returns when nothing is."""
    if os.environ.get(_MARK) or set(os.environ) <= KEPT or not started_as_the_pack():
        return
    env = {**scrubbed(os.environ), _MARK: "1"}
    sys.stdout.flush()
    sys.stderr.flush()
    # The interpreter's own command line again (`python -u -m pulumi.policy ADDR DIR …`), the same process.
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)  # noqa: S606
