"""Entry point the Pulumi CLI runs (``python -m pulumi.policy <addr> .`` in this folder).

Only constructs the pack: ``PolicyPack`` starts the gRPC server, prints its port and
blocks, so never import this module in-process.
"""

from pulumi_policy import EnforcementLevel, PolicyPack
from pulumi_policy.policy import _PolicyAnalyzerServicer
from rules import PACK_NAME, build_policies
from rules._enforcement import guard_configure

# Before the server starts: a config that disables or weakens the production rules is refused.
guard_configure(_PolicyAnalyzerServicer)

PolicyPack(
    name=PACK_NAME,
    policies=build_policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
    description="Kitchen Kontrol guardrails: production stop, no production secrets, database hardening.",
)
