"""Entry point the Pulumi CLI runs (``python -m pulumi.policy <addr> .`` in this folder).

Only constructs the pack: ``PolicyPack`` starts the gRPC server, prints its port and
blocks, so never import this module in-process.
"""

import threading

from rules._environment import restart_without_credentials

restart_without_credentials()  # before anything else: the pack runs with none of the CLI's credentials

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402 - after the restart
from pulumi_policy import policy as sdk  # noqa: E402
from rules import PACK_NAME, PACK_VERSION, build_policies  # noqa: E402
from rules._enforcement import guard_configure  # noqa: E402
from rules._stack_config import record as record_stack_config  # noqa: E402

# Before the server starts: a config that disables or weakens the production rules is refused.
guard_configure(sdk._PolicyAnalyzerServicer)


class _VersionedServicer(sdk._PolicyAnalyzerServicer):
    """The SDK's servicer with PulumiPolicy.yaml's version. ``PolicyPack`` always passes "0.0.1"
    (pulumi_policy 1.21, policy.py), which the CLI replaces in its own lines but not inside messages
    or in what other clients (``ops plan``) read, so one output showed two versions of the pack."""

    def __init__(self, name, _version, *args, **kwargs):
        super().__init__(name, PACK_VERSION, *args, **kwargs)

    def ConfigureStack(self, request, context):  # noqa: N802 - the gRPC method's name
        # The stack's config arrives here once, before the first Analyze: the rules read it from
        # rules/_stack_config.py, so the Stack resource already knows a stack holds production's values.
        record_stack_config(dict(request.config))
        return super().ConfigureStack(request, context)

    def _configure_runtime_settings(self):
        # The SDK re-parses PULUMI_CONFIG and re-inspects Settings' signature on every call (a fifth of
        # the pack's time per Analyze, bench/run.py). The environment is fixed for the pack's life and
        # the settings are context variables: once per gRPC worker thread is the same configuration.
        if not getattr(_worker, "configured", False):
            super()._configure_runtime_settings()
            _worker.configured = True


_worker = threading.local()


sdk._PolicyAnalyzerServicer = _VersionedServicer

PolicyPack(
    name=PACK_NAME,
    policies=build_policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
    description="Kitchen Kontrol guardrails: production stop, no production secrets, database hardening.",
)
