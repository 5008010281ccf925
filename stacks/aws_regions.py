"""Which AWS regions `aws:region` may name.

The regions the AWS SDKs know: botocore's endpoint data when botocore is installed (a developer's
venv may have it; it knows a new region first), and always the `Region` enum of the pinned
pulumi-aws SDK, the provider that will be handed the region. pulumi-aws is a runtime dependency
already, moves only with a reviewed provider bump, and needs no network: a pinned list that
updates itself with the provider, instead of a third copy kept by hand.
"""

from __future__ import annotations

import difflib
import functools
import re

_PLAIN = re.compile(r"^[a-z0-9-]{1,40}$")


@functools.cache
def pinned_regions() -> frozenset[str]:
    # Here, not at the top: only a stack setting aws:region needs pulumi_aws loaded this early.
    import pulumi_aws

    return frozenset(region.value for region in pulumi_aws.Region)


@functools.cache
def known_regions() -> frozenset[str]:
    return pinned_regions() | _botocore_regions()


def _botocore_regions() -> set[str]:
    try:
        from botocore.loaders import Loader
    except ImportError:
        return set()
    return regions_from_endpoints(Loader().load_data("endpoints"))


def regions_from_endpoints(endpoints: dict) -> set[str]:
    """Region names from botocore's `endpoints.json` (every partition: aws, aws-cn, aws-us-gov, ...)."""
    return {name for partition in endpoints.get("partitions", []) for name in partition.get("regions", {})}


def region_problem(value: str, known: frozenset[str] | None = None) -> str | None:
    """Why `value` is not a usable `aws:region`, or None. Names the value only when it is plainly a
    region-like word, and the closest known region when there is one."""
    if known is None:
        # The pinned SDK knows every region but a brand-new one: botocore's endpoint data costs about
        # 0.2 s (bench/run.py), paid only for a value the pinned list lacks.
        if value in pinned_regions():
            return None
        known = known_regions()
    if value in known:
        return None
    shown = f"{value!r} is" if _PLAIN.match(value) else "the value is"
    guess = difflib.get_close_matches(value.lower(), sorted(known), n=1, cutoff=0.6)
    hint = f"; did you mean {guess[0]}?" if guess else " (e.g. us-east-1)"
    return f"{shown} not a region the AWS SDK knows{hint}"
