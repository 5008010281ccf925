"""First-deploy checklist steps about this machine: the Pulumi CLI, the stack in its backend, the secrets
provider, the provider credentials."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from ops.checklist.model import DONE, TODO, Step
from ops.checklist.probes import git_committed, last_line, run_cli, stack_file_keys
from ops.program.facts import StackFacts

PASSPHRASE_VARS = ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE")
# Provider credentials the program's providers read (README "Configuration"); checked by name only.
CREDENTIALS = (
    ("AWS", (("AWS_PROFILE",), ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), ("AWS_WEB_IDENTITY_TOKEN_FILE",))),
    ("Render", (("RENDER_APIKEY",),)),
    ("Sentry", (("SENTRY_AUTH_TOKEN",), ("SENTRY_TOKEN",))),
    ("UptimeRobot", (("UPTIMEROBOT_API_KEY",),)),
)
INSTALL = "install it: `curl -fsSL https://get.pulumi.com | sh` (https://www.pulumi.com/docs/iac/download-install/)"


def pulumi_cli_step() -> Step:
    result = run_cli("version")
    if result is None:
        return Step(
            "Pulumi CLI installed",
            TODO,
            "`pulumi` is not on PATH",
            f"{INSTALL}; or `make engine` (builds it into .tools/bin) and run `make checklist`, which finds it there",
        )
    code_, out, err = result
    if code_ != 0:
        return Step("Pulumi CLI installed", TODO, f"`pulumi version` failed: {last_line(err)}", INSTALL)
    return Step("Pulumi CLI installed", DONE, f"`pulumi version` answers {out.strip() or 'without a version'}")


def stack_in_backend_step(facts: StackFacts, root: Path) -> Step:
    stack = facts.stack
    title = f"Logged in to the state backend, stack `{stack}` exists"
    init = (
        "`pulumi login` (Pulumi Cloud; or your team's `s3://` bucket; or `pulumi login --local` to try it), then "
        f"`pulumi stack init {stack} --secrets-provider passphrase` (or `--secrets-provider awskms://alias/kk`)"
    )
    result = run_cli("stack", "ls", "--json", root=root)
    if result is None:
        return Step(title, TODO, "cannot check: the pulumi CLI is not on PATH", f"{INSTALL}; then {init}")
    code_, out, err = result
    if code_ != 0:
        return Step(title, TODO, f"`pulumi stack ls` failed: {last_line(err)}", init)
    try:
        names = [entry.get("name", "") for entry in json.loads(out)]
    except (json.JSONDecodeError, AttributeError, TypeError):
        return Step(title, TODO, "`pulumi stack ls --json` did not print a JSON list", init)
    if any(name.split("/")[-1] == stack for name in names):
        return Step(title, DONE, f"`pulumi stack ls` lists `{stack}`")
    return Step(title, TODO, f"`pulumi stack ls` lists {len(names)} stack(s) of this project, not `{stack}`", init)


def secrets_provider_step(facts: StackFacts, root: Path, env: Mapping[str, str]) -> Step:
    keys = stack_file_keys(facts)
    name = facts.stack_file
    title = "Secrets provider set up and its settings committed"
    if "encryptionsalt" not in keys and "secretsprovider" not in keys:
        return Step(
            title,
            TODO,
            f"{name} has neither `encryptionsalt` (passphrase provider) nor `secretsprovider` (e.g. AWS KMS)",
            f"`pulumi stack init {facts.stack} --secrets-provider passphrase` (or `awskms://alias/kk`) adds it; "
            f"commit {name} with it (`git add {name} && git commit`). With Pulumi Cloud's default provider the file "
            "stays without either and this step stays open: check it by hand.",
        )
    kind = "a passphrase salt (`encryptionsalt`)" if "encryptionsalt" in keys else "`secretsprovider`"
    problem = git_committed(facts.config.path, root)
    if problem:
        return Step(title, TODO, f"{name} carries {kind}, but {problem}", f"commit {name}")
    if "encryptionsalt" in keys and "secretsprovider" not in keys and not any(v in env for v in PASSPHRASE_VARS):
        return Step(
            title,
            TODO,
            f"{name} carries {kind} and is committed, but neither {' nor '.join(PASSPHRASE_VARS)} is set",
            "`export PULUMI_CONFIG_PASSPHRASE_FILE=~/.config/kk-passphrase` (the team's passphrase, never in git)",
        )
    return Step(title, DONE, f"{name} carries {kind} and is committed")


def credentials_step(env: Mapping[str, str]) -> Step:
    missing, present = [], []
    for provider, alternatives in CREDENTIALS:
        found = next((names for names in alternatives if all(env.get(n) for n in names)), None)
        if found:
            present.append(f"{provider} ({' + '.join(found)})")
        else:
            missing.append(f"{provider}: " + " or ".join(" + ".join(names) for names in alternatives))
    title = "Provider credentials in the environment (checked by name only)"
    if missing:
        return Step(
            title,
            TODO,
            "missing " + "; ".join(missing) + (f" (set: {', '.join(present)})" if present else ""),
            "export them in the shell that runs `pulumi` (README → Configuration); never write them to a stack file",
        )
    return Step(title, DONE, "set: " + ", ".join(present))
