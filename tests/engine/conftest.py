"""The real engine: one rehearsal per stack for the whole session, its workspace kept for more commands."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from ops.rehearsal.apis import LocalApis, SavedApis, local_apis
from ops.rehearsal.engine import EngineMissing, locate_engine
from ops.rehearsal.lifecycle import REHEARSAL_VALUES, Rehearsal, copied
from tests.support.env import unavailable


@pytest.fixture(scope="session")
def engine():
    try:
        return locate_engine()
    except EngineMissing as exc:
        unavailable(f"engine tests: {exc}")


@pytest.fixture(scope="session")
def cli_grammar(engine, tmp_path_factory):
    """The real CLI's commands and flags, as `ops engine` reads them (ops/rehearsal/cli_grammar.py)."""
    from ops.rehearsal.engine_command import grammar_of

    return grammar_of(engine, tmp_path_factory.mktemp("cli-grammar"))


def _rehearse(engine, stack: str, tmp_path_factory):
    with local_apis(stack, REHEARSAL_VALUES["oncallContacts"]) as apis:
        rehearsal = Rehearsal(engine, stack, tmp_path_factory.mktemp(f"rehearsal-{stack}"), apis.env)
        rehearsal.run()
        yield rehearsal, apis


@dataclass(frozen=True)
class Deployed:
    """A rehearsed stack, its fakes, and both as the rehearsal left them (`copy`)."""

    rehearsal: Rehearsal
    apis: LocalApis
    as_rehearsed: Rehearsal  # a copy of the project and backend, never run
    saved_apis: SavedApis

    @contextmanager
    def copy(self, workdir: Path) -> Iterator[tuple[Rehearsal, LocalApis]]:
        """The stack as the rehearsal deployed it, with fakes holding what they held then: a copy of its own for a
        test that changes it (the session's stack may have been looked at with other config since)."""
        with copied(self.as_rehearsed, self.saved_apis, workdir) as copy:
            yield copy


@pytest.fixture(scope="session")
def staging_deployed(engine, tmp_path_factory) -> Iterator[Deployed]:
    """Staging rehearsed, with the local APIs it used, and a copy of both taken at once (what `Deployed.copy` hands
    out to a test that changes the stack, the fault scenarios')."""
    for rehearsal, apis in _rehearse(engine, "staging", tmp_path_factory):
        kept = Rehearsal(engine, "staging", tmp_path_factory.mktemp("staging-as-rehearsed"), {}, copy_of=rehearsal)
        yield Deployed(rehearsal, apis, kept, apis.saved())


@pytest.fixture(scope="session")
def staging_apis(staging_deployed):
    """Staging rehearsed, with the local APIs it used; the stack stays deployed (on the stand-ins)."""
    return staging_deployed.rehearsal, staging_deployed.apis


@pytest.fixture(scope="session")
def staging_rehearsal(staging_apis) -> Rehearsal:
    return staging_apis[0]


@pytest.fixture(scope="session")
def log_level_change(staging_rehearsal):
    """The engine's preview steps (with the policy pack) of the rehearsed staging with only `appLogLevel` changed,
    to debug: one env var's change, which more than one test looks at."""
    from tests.support.engine import preview_with

    return preview_with(staging_rehearsal, "appLogLevel", "debug", *staging_rehearsal.policy_flags())


@pytest.fixture(scope="session")
def production_rehearsal(engine, tmp_path_factory) -> Rehearsal:
    for rehearsal, _apis in _rehearse(engine, "production", tmp_path_factory):
        yield rehearsal


@pytest.fixture(scope="session")
def stack_init_checkout(engine, tmp_path_factory):
    """A checkout whose Pulumi.staging.yaml the real `pulumi stack init` rewrote, as the README's first real
    deploy does: the stack file now carries that backend's `encryptionsalt`."""
    import os
    import subprocess

    from ops.rehearsal.lifecycle import COPIED, IGNORED
    from tests.support.env import ROOT

    checkout = tmp_path_factory.mktemp("checkout")
    for name in COPIED:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, checkout / name, **_ignored(source, IGNORED))
    for stack_file in ROOT.glob("Pulumi.*.yaml"):
        shutil.copy2(stack_file, checkout / stack_file.name)
    (checkout / ".venv").symlink_to((ROOT / ".venv").resolve(), target_is_directory=True)
    (checkout / ".tools").mkdir()
    (checkout / ".tools" / "bin").symlink_to(engine.cli.parent.resolve(), target_is_directory=True)
    backend = tmp_path_factory.mktemp("real-backend")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(backend),
        "PULUMI_HOME": str(backend / "home"),
        "PULUMI_BACKEND_URL": backend.as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": "the team's own passphrase",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }
    done = subprocess.run(
        [str(engine.cli), "stack", "init", "staging", "--secrets-provider", "passphrase"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return checkout


def _ignored(source, ignore) -> dict:
    return {"ignore": ignore} if source.is_dir() else {}
