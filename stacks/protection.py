"""Every resource of a production stack is `protect`ed, so no destroy deletes anything.

A stack transform (`pulumi.runtime.register_resource_transform`), registered by the program
before its first resource, sets `protect=True` on each resource and component it declares:
`pulumi destroy`, `--exclude-protected` and `--target URN` then delete nothing, and an update
that would delete a resource stops before it. Deleting one on purpose is a release step of its
own: `pulumi state unprotect -s production 'URN'` for that one resource, then the update that
removes it (the runbook's teardown section). The transform protects the resource again on the
next update of anything still declared.
"""

from __future__ import annotations

import pulumi


def protect_every_resource(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult:
    """The resource unchanged, with `protect=True` whatever its own options say."""
    return pulumi.ResourceTransformResult(
        props=args.props, opts=pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(protect=True))
    )
