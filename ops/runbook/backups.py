"""The runbook's backup and restore: automated backups, snapshots as code (`dbSnapshots`), a restore as code
(`dbRestore`: a new instance the stack moves to, never a rename) and the retirement of the old instance
(`dbRetiredInstances`). Rehearsed by `python -m ops rehearse staging` (the `restore:` steps)."""

from __future__ import annotations

from ops.program.facts import StackFacts
from ops.runbook.values import DeployValues, aws_cli
from ops.shared.markdown import code

RDS_SNAPSHOT = "aws:rds/snapshot:Snapshot"


def backups(facts: StackFacts, v: DeployValues) -> list[str]:
    instance = facts.inputs(facts.db_instance())
    identifier = facts.db_identifier
    original = facts.settings.resource_prefix
    db = facts.settings.database
    aws = aws_cli(v)
    stack = facts.stack
    final = instance.get("finalSnapshotIdentifier")
    snapshots = [str(facts.inputs(r).get("dbSnapshotIdentifier")) for r in facts.resources(RDS_SNAPSHOT)]
    lines = [
        "## Backup and restore",
        "",
        f"- Automated backups of {code(identifier)}: kept {instance.get('backupRetentionPeriod')} days "
        f"(`kitchen-kontrol:dbBackupRetentionDays`), taken daily in {code(str(instance.get('backupWindow')))} UTC; "
        "point-in-time restore to any second inside that window. Storage and snapshots are encrypted; tags are "
        "copied to snapshots.",
        f"- Deleting the instance keeps a final snapshot {code(str(final))}"
        + (" (`skipFinalSnapshot: false`)." if instance.get("skipFinalSnapshot") is False else "."),
        "- Manual snapshots are code: each name in `kitchen-kontrol:dbSnapshots` is an `aws:rds:Snapshot` "
        f"`{original}-NAME` of the instance the stack runs on, kept when the stack stops declaring it "
        f"(delete it with `{aws} rds delete-db-snapshot` once it is no longer needed). "
        + (f"Declared now: {', '.join(code(s) for s in snapshots)}." if snapshots else "None is declared now."),
        f"- Before a release, take one (the first-deploy checklist asks for it): "
        f"`pulumi config set --path -s {stack} 'kitchen-kontrol:dbSnapshots[{len(db.snapshots)}]' "
        "pre-release-$(date -u +%Y%m%d)`, then preview and apply as below.",
        f"- List every snapshot: `{aws} rds describe-db-snapshots --db-instance-identifier {identifier} --query "
        "'DBSnapshots[].[DBSnapshotIdentifier,SnapshotCreateTime,Status]' --output table`.",
        "",
        *_restore(facts, v),
        "",
        *_retire(facts),
    ]
    return lines


def _restore(facts: StackFacts, v: DeployValues) -> list[str]:
    stack, flags, identifier = facts.stack, facts.policy_flags, facts.db_identifier
    aws = aws_cli(v)
    key = "kitchen-kontrol:dbRestore"
    window = (
        " A restore of production is a release: the program refuses `dbRestore` without an open "
        "`kitchen-kontrol:releaseWindow` (preview included), and the release team applies it with both keys."
        if facts.production
        else ""
    )
    current = (
        f"The stack runs on {code(identifier)}, restored as `{key}` records: keep that key in "
        f"{facts.stack_file} (it is what the database is; removing it asks for the old instance back, which "
        "`protect` refuses). A further restore from it names it in `sourceDbInstance` and lists it as "
        f"`{identifier}: keep` in `kitchen-kontrol:dbRetiredInstances`."
        if facts.settings.database.restore
        else f"The stack runs on its own instance {code(identifier)}."
    )
    return [
        "### Restore: a new instance, the stack moves to it",
        "",
        "RDS restores into a **new** instance. The stack declares it from `kitchen-kontrol:dbRestore` under a new "
        f"identifier (`{facts.settings.resource_prefix}-pitr-…` or `-snap-…`, derived from the restore) with every "
        "secure default "
        "of the first one, and moves `DATABASE_URL`, the alarms and the `databaseEndpoint`/`databaseInstance` "
        "outputs to it in the same update; the instance it replaces stays declared and protected. No instance is "
        f"renamed, so the state always describes the cloud.{window} {current}",
        "",
        "1. **Set `dbRestore`** in a branch (one of):",
        "",
        "   ```sh",
        f"   {aws} rds describe-db-instances --db-instance-identifier {identifier} "
        "--query 'DBInstances[0].LatestRestorableTime' --output text",
        f"   pulumi config set --path -s {stack} {key}.pointInTime latest",
        f"   pulumi config set --path -s {stack} {key}.pointInTime \"$(date -u -d '2 hours ago' +%FT%TZ)\""
        "   # a time, ISO-8601 UTC",
        f"   pulumi config set --path -s {stack} {key}.snapshot pre-release-20261201   # a dbSnapshots name, or an id",
        "   ```",
        "",
        f"2. **Preview**: `pulumi preview -s {stack} {flags}` (or `python -m ops plan {stack}`, whose *Database* "
        "section names the new instance and what it restores from): one `aws:rds:Instance` to create, the "
        "`DATABASE_URL` env var, the alarms and the outputs to update, nothing replaced or deleted.",
        f"3. **Apply**: {_apply(facts)}",
        f"4. **Verify**: `pulumi stack output -s {stack} databaseInstance` names the new instance; "
        "the app reads `DATABASE_URL` when it starts, so deploy it once the update finished (Render dashboard → "
        f"*Manual Deploy* → *Deploy latest commit*, unless a deploy already started); then `python -m ops verify "
        f"--stack {stack}` passes against the app; check the data the restore was for.",
        "5. **Retire the old instance** once you are sure (below).",
        "",
        "Rehearsed: `python -m ops rehearse staging` (steps `restore: …`) applies a point-in-time restore and a "
        "snapshot through the real engine and checks the decrypted state before and after.",
    ]


def _retire(facts: StackFacts) -> list[str]:
    stack = facts.stack
    key = "kitchen-kontrol:dbRetiredInstances"
    old = facts.settings.resource_prefix
    retired = dict(facts.settings.database.retired_instances)
    index = list(retired).index(old) if old in retired else len(retired)
    return [
        "### Retire the old instance",
        "",
        "Three phases, each its own reviewed change of "
        f"`{key}` (an entry `IDENTIFIER: PHASE`; the example retires {code(old)}):",
        "",
        "1. `keep` (what a restore does by itself): declared, `protect`ed, deletion protection on, not used.",
        f'2. `unprotect`: the policy owners add `"retiredInstances": ["{old}"]` under '
        f'`"rds-instance-deletion-protection"` in `policies/config.{stack}.json`, then '
        f"`pulumi config set --path -s {stack} '{key}[{index}]' '{old}: unprotect'` and apply: one in-place "
        "update turns `protect` and RDS deletion protection off for that instance only.",
        f"3. `release`: `pulumi config set --path -s {stack} '{key}[{index}]' '{old}: release'` and apply: the "
        f"stack stops declaring it and deletes it; RDS writes its final snapshot {code(old + '-final')} first. "
        "The entry stays as the record; the program never declares that instance again.",
        "",
        "Never rename an instance by hand and never edit the state: every phase is a preview a reviewer reads.",
    ]


def _apply(facts: StackFacts) -> str:
    if facts.production:
        return "the release team applies it inside an approved release window (both keys)."
    return (
        "merge: `deploy-staging.yml` applies it once `ci.yml` passed and a reviewer approved (or `make up`); "
        "the update creates the new instance before it moves anything to it."
    )
