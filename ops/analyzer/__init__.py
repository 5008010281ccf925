"""The real policy pack, run over the Analyzer gRPC protocol the way the Pulumi CLI runs it.

``ops plan`` uses it to get the very verdicts ``pulumi preview|up --policy-pack policies`` would
give, without the CLI: ``wire`` holds the protocol's data and encoding, ``config`` reads and checks
the policy-pack config, ``client`` runs and drives the pack process.
"""

from policies.rules._environment import INTERPRETER

# The environment the pack's interpreter needs; nothing else of the caller's is passed on (the pack itself
# keeps no more: policies/rules/_environment.py).
PACK_ENVIRONMENT = INTERPRETER
