"""The Pulumi SDK's non-public surface this project relies on, in one place: each use has no public way.

Checked against pulumi==3.272.0 (requirements.txt); re-check every one when the SDK is bumped. It lives in
`stacks/` because the program needs one of them, and `ops/` may import `stacks/` but not the reverse.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config
from pulumi.runtime.mocks import MockMonitor


def engine_config() -> dict[str, Any]:
    """Every config value the program was handed, to refuse unknown keys: `pulumi.Config` reads one key at a
    time and cannot list them. The language host, like `set_all_config`, keeps them in the runtime's
    `CONFIG` context variable; `PULUMI_CONFIG` carries them as well."""
    return {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}


class EngineUrnMonitor(MockMonitor):
    """The SDK's mock monitor with the engine's URNs, through its `make_urn` hook."""

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The parent's whole type chain, `$`-joined, without the root Stack's type.

        The SDK's mock keeps only the parent's own type and keeps the Stack's, so its URNs
        match no real deployment."""
        if parent:
            parent_chain = parent.split("::")[2]
            if parent_chain != "pulumi:pulumi:Stack":
                type_ = f"{parent_chain}${type_}"
        return super().make_urn("", type_, name)


def register_stack_outputs() -> None:
    """Register what the program exported as the root stack's outputs.

    `pulumi.runtime.set_mocks` creates the root stack and registers its (still empty) outputs before the
    program runs; the engine's entry point (`run_in_stack`) would register them once the program ended."""
    stack = pulumi.runtime.get_root_resource()
    stack.register_outputs(stack.outputs)
