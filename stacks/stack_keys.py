"""What a stack's config may hold: the one table of every key, its namespace and why it is there.

`kitchen-kontrol:*` keys come from the settings models (`stacks/config_keys.py`, Pulumi.yaml's block). The
other namespaces belong to the providers: a stack may set only the provider keys below, which the project
needs. A provider key that changes where a provider sends its credentials, or how it verifies TLS, is
refused by name with the reason (a committed stack file must never send the staging token to another host),
and any other key is refused with the closest known one ("did you mean aws:region?"). The program checks
every key it is handed (stacks/program.py), so `ops plan` and the real engine refuse alike.

Provider config names are the SDKs' own (pulumi_aws/config/vars.py, pulumiverse_sentry/config/vars.py,
pulumi_render/config/vars.py, components/uptimerobot/settings.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from stacks.aws_regions import region_problem

REQUIRED = ("aws:region",)

# Provider keys a stack may hold, and what each is for.
PROVIDER_KEYS: dict[str, str] = {
    "aws:region": "the AWS region of every resource (required; a region the AWS SDK knows)",
    # Credentials: only from a Pulumi ESC environment's pulumiConfig, never written in a stack file (a `secure:`
    # value there is refused by tests/test_project_files.py); the environment variables are the usual way.
    "sentry:token": "the Sentry auth token (usually SENTRY_TOKEN in the environment)",
    "render:apiKey": "the Render API key (usually RENDER_APIKEY in the environment)",  # pragma: allowlist secret
    "uptimerobot:apiKey": "the UptimeRobot key (UPTIMEROBOT_API_KEY in the environment)",  # pragma: allowlist secret
    # The UptimeRobot dynamic provider's limits (docs/uptimerobot.md).
    "uptimerobot:maxPages": "pages of one UptimeRobot listing before a lookup fails",
    "uptimerobot:retryTimeoutSeconds": "the time budget for retries of one UptimeRobot operation",
    "uptimerobot:requestTimeoutSeconds": "the time of one UptimeRobot HTTP attempt",
    "uptimerobot:requestsPerMinute": "the client-side UptimeRobot throttle",
}

_MOVES_CREDENTIALS = "changes where the {provider} provider sends its credentials"
_HOW_TLS_IS_VERIFIED = "changes how the {provider} provider verifies TLS"
# Provider keys a stack file must never hold, and why: each moves a credential or weakens TLS.
REFUSED_KEYS: dict[str, str] = {
    "aws:endpoints": _MOVES_CREDENTIALS,
    "aws:httpProxy": _MOVES_CREDENTIALS,
    "aws:httpsProxy": _MOVES_CREDENTIALS,
    "aws:noProxy": _MOVES_CREDENTIALS,
    "aws:ec2MetadataServiceEndpoint": _MOVES_CREDENTIALS,
    "aws:stsRegion": _MOVES_CREDENTIALS,
    "aws:assumeRoles": "changes which AWS account and role the aws provider acts as",
    "aws:assumeRoleWithWebIdentity": "changes which AWS account and role the aws provider acts as",
    "aws:profile": "changes which AWS credentials the aws provider uses (AWS_PROFILE in the environment)",
    "aws:sharedCredentialsFiles": "changes which AWS credentials the aws provider uses",
    "aws:sharedConfigFiles": "changes which AWS credentials the aws provider uses",
    "aws:skipCredentialsValidation": "turns off the aws provider's check of its credentials",
    "aws:customCaBundle": _HOW_TLS_IS_VERIFIED,
    "aws:insecure": _HOW_TLS_IS_VERIFIED,
    "sentry:baseUrl": _MOVES_CREDENTIALS,
    "uptimerobot:apiUrl": _MOVES_CREDENTIALS,
}

_PROVIDER_NAMES = {"aws": "aws", "sentry": "Sentry", "render": "Render", "uptimerobot": "UptimeRobot"}


def _refusal(key: str) -> str:
    namespace = key.split(":", 1)[0]
    why = REFUSED_KEYS[key].format(provider=_PROVIDER_NAMES.get(namespace, namespace))
    return f"cannot be set in a stack file: it {why} (stacks/stack_keys.py lists what a stack may hold)"


def known_keys(project: str, project_keys: Iterable[str]) -> list[str]:
    """Every key a stack may hold, namespaced."""
    return sorted({*(f"{project}:{key}" for key in project_keys), *PROVIDER_KEYS})


def unknown_key_problem(key: str, known: Iterable[str]) -> str:
    """The closest known key, not the whole list (case slips and typos are the usual cause)."""
    known = sorted(known)
    by_case = {k.lower(): k for k in known}
    guess = by_case.get(key.lower()) or next(iter(difflib.get_close_matches(key, known, n=1, cutoff=0.75)), None)
    if guess:
        return f"unknown key; did you mean {guess}?"
    namespace = key.split(":", 1)[0]
    if any(k.startswith(f"{namespace}:") for k in known):
        same = ", ".join(k for k in known if k.startswith(f"{namespace}:") and not k.startswith("kitchen-"))
        return f"not a key this project uses{f' (from {namespace}: only {same})' if same else ''}"
    return "unknown key; no known key is close (stacks/stack_keys.py lists what a stack may hold)"


def provider_key_problems(config: Mapping[str, Any], project: str, project_keys: Iterable[str]) -> dict[str, str]:
    """Every problem with the keys outside the project's namespace, by full key; values are never echoed."""
    problems: dict[str, str] = {}
    known = known_keys(project, project_keys)
    for key in sorted(config):
        if key.startswith(f"{project}:"):
            continue
        if key in REFUSED_KEYS:
            problems[key] = _refusal(key)
        elif key not in PROVIDER_KEYS:
            problems[key] = unknown_key_problem(key, known)
    for key in REQUIRED:
        if config.get(key) in (None, ""):
            problems[key] = "required; set it in the stack file (e.g. us-east-1)"
    region = config.get("aws:region")
    if isinstance(region, str) and region:
        why = region_problem(region)
        if why:
            problems["aws:region"] = why
    return problems
