"""Which Sentry token each use needs, named once; a module of its own (no imports), so the checklist reads
the same words the errors say."""

# The Sentry tokens, named once: the checklist, the errors (service.py) and the docs (README, docs/pipeline.md) repeat
# these words, and tests/ops/test_sentry_token_wording.py holds them to it. `pulumi up` creates the environment's
# team, project, client key and issue alert and puts people on the team, which an organization auth token
# (`sntrys_…`, CI scopes only) cannot do; a team admin's token cannot either before the team exists.
UP_SCOPES = (
    "an internal-integration token with org:read, team:write, project:write and alerts:write, or a user auth token "
    "of an organization owner or manager; an organization auth token (sntrys_…) cannot add members to teams"
)
PREVIEW_SCOPES = "a token with read scopes only (org:read, member:read, team:read, project:read, alerts:read)"
