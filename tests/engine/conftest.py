"""The real engine: one rehearsal per stack for the whole session, its workspace kept for more commands."""

from __future__ import annotations

import pytest

from ops.rehearsal.apis import local_apis
from ops.rehearsal.engine import EngineMissing, locate_engine
from ops.rehearsal.lifecycle import REHEARSAL_VALUES, Rehearsal
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


@pytest.fixture(scope="session")
def staging_apis(engine, tmp_path_factory):
    """Staging rehearsed, with the local APIs it used; the stack stays deployed (on the stand-ins)."""
    yield from _rehearse(engine, "staging", tmp_path_factory)


@pytest.fixture(scope="session")
def staging_rehearsal(staging_apis) -> Rehearsal:
    return staging_apis[0]


@pytest.fixture(scope="session")
def production_rehearsal(engine, tmp_path_factory) -> Rehearsal:
    for rehearsal, _apis in _rehearse(engine, "production", tmp_path_factory):
        yield rehearsal
