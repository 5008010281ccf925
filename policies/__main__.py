"""Entry point the Pulumi CLI runs (``python -m pulumi.policy <addr> .`` in this folder).

Only constructs the pack: ``PolicyPack`` starts the gRPC server, prints its port and
blocks, so never import this module in-process.
"""

from pulumi_policy import EnforcementLevel, PolicyPack
from pulumi_policy import policy as sdk
from rules import PACK_NAME, PACK_VERSION, build_policies
from rules._enforcement import guard_configure

# Before the server starts: a config that disables or weakens the production rules is refused.
guard_configure(sdk._PolicyAnalyzerServicer)


class _VersionedServicer(sdk._PolicyAnalyzerServicer):
    """The SDK's servicer with PulumiPolicy.yaml's version. ``PolicyPack`` always passes "0.0.1"
    (pulumi_policy 1.21, policy.py), which the CLI replaces in its own lines but not inside messages
    or in what other clients (``ops plan``) read, so one output showed two versions of the pack."""

    def __init__(self, name, _version, *args, **kwargs):
        super().__init__(name, PACK_VERSION, *args, **kwargs)


sdk._PolicyAnalyzerServicer = _VersionedServicer

PolicyPack(
    name=PACK_NAME,
    policies=build_policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
    description="Kitchen Kontrol guardrails: production stop, no production secrets, database hardening.",
)
