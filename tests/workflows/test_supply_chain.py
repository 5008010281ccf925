"""The supply chain is pinned: every install takes a hash-pinned lock with --require-hashes, the locks hold the
human-edited pins of the *.in files, and every `pulumi/actions` step runs the CLI that tools/engine builds."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.support.env import ROOT
from tests.support.workflows import every_step

# Input (human-edited) -> lock (written by `make lock`), as the Makefile's LOCKS names them.
LOCKS = {
    "requirements-dev.in": "requirements-dev.txt",
    "requirements.in": "requirements.txt",
    "policies/requirements.in": "policies/requirements.txt",
}
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;]+)")


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_entries(path: str) -> dict[str, list[tuple[str, list[str]]]]:
    """name -> [(version, hashes)] of a lock: one entry per line, or several under exclusive markers."""
    text = (ROOT / path).read_text()
    entries: dict[str, list[tuple[str, list[str]]]] = {}
    for requirement in re.sub(r"\\\n", " ", text).splitlines():
        requirement = requirement.split("#", 1)[0].strip()
        if not requirement:
            continue
        match = _NAME.match(requirement)
        assert match, f"{path}: not a pinned requirement: {requirement!r}"
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})\b", requirement)
        entries.setdefault(normalised(match[1]), []).append((match[3], hashes))
    return entries


def input_pins(path: str) -> dict[str, str]:
    """name -> version of an input and the inputs it includes with -r."""
    pins: dict[str, str] = {}
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            pins |= input_pins(str((ROOT / path).parent.joinpath(line[3:]).relative_to(ROOT)))
        elif line:
            match = _NAME.match(line)
            assert match and match.end() == len(line), f"{path}: pin every input with ==: {line!r}"
            pins[normalised(match[1])] = match[3]
    return pins


@pytest.mark.parametrize(("source", "lock"), sorted(LOCKS.items()))
def test_every_lock_entry_is_pinned_with_hashes_and_holds_its_inputs_pins(source, lock):
    entries = lock_entries(lock)
    for name, versions in entries.items():
        for version, hashes in versions:
            assert hashes, f"{lock}: {name}=={version} has no --hash"
    for name, version in input_pins(source).items():
        assert name in entries, f"{lock} lacks {name} ({source} pins it): run make lock"
        assert {v for v, _ in entries[name]} == {version}, f"{lock}: {name} is not {version} as {source} pins it"
    assert "make lock" in (ROOT / lock).read_text().split("\n", 3)[1], f"{lock}: not written by make lock"


def test_a_package_has_one_pin_and_one_set_of_hashes_in_every_lock():
    dev = lock_entries("requirements-dev.txt")
    for lock in ("requirements.txt", "policies/requirements.txt"):
        for name, versions in lock_entries(lock).items():
            assert name in dev, f"{lock}: {name} is not in the development lock"
            assert versions == dev[name], f"{lock}: {name} differs from requirements-dev.txt"


def install_commands(script: str) -> list[list[str]]:
    """The arguments of each `pip install …` of a shell script or a Makefile recipe, up to the command's end."""
    joined = re.sub(r"\\\n", " ", script)
    return [shlex.split(args) for args in re.findall(r"(?:^|[\s/])pip install([^;&|\n]*)", joined)]


# The Makefile's venv install shows pip's progress the first time, quiet on a refresh: nothing else.
PIP_OUTPUT = "PIP_OUTPUT = $(if $(wildcard $(STAMP)),--quiet,--progress-bar off)"


def makefile_installs() -> list[tuple[str, list[str]]]:
    text = (ROOT / "Makefile").read_text()
    assert "$(PIP_OUTPUT)" not in text or PIP_OUTPUT in text.splitlines()
    text = text.replace("$(PY) -m pip", "pip").replace("$(PIP_OUTPUT)", "--quiet")
    return [("Makefile", words) for words in install_commands(text)]


def workflow_installs(workflows: dict[str, dict]) -> list[tuple[str, list[str]]]:
    found = []
    for where, step in every_step(workflows):
        for words in install_commands(step.get("run", "").replace("python -m pip", "pip")):
            found.append((f"{where}: {step.get('name', '')}", words))
    return found


def test_every_install_takes_one_lock_with_require_hashes(workflows):
    installs = makefile_installs() + workflow_installs(workflows)
    assert len(installs) >= 8, installs  # the Makefile's venv, and each workflow's .venv and policies/venv
    for where, words in installs:
        options = [w for w in words if w not in ("--quiet", "--disable-pip-version-check")]
        assert "--require-hashes" in options, f"{where}: {words}"
        options.remove("--require-hashes")
        assert len(options) == 2 and options[0] == "-r", f"{where}: one -r LOCK and nothing else: {words}"
        assert options[1] in LOCKS.values(), f"{where}: {options[1]} is not a lock"


def test_make_lock_writes_every_lock_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nlock:", 1)[1].split("\n\n", 1)[0]
    assert "--generate-hashes" in makefile.split("LOCK_COMPILE =", 1)[1].split("\n\n", 1)[0]
    for source, lock in LOCKS.items():
        compile_line = rf"\$\(LOCK_COMPILE\) (-c requirements-dev\.txt )?{re.escape(source)} -o {re.escape(lock)}\n"
        assert re.search(compile_line, recipe), f"make lock does not write {lock} from {source}"
    stamp = re.search(r"^LOCKS := (.*)$", makefile, re.M)
    assert stamp and set(stamp[1].split()) == set(LOCKS.values())  # a changed lock rebuilds .venv


def cli_version() -> str:
    """The Pulumi CLI release tools/engine builds: the version of the module its `tool` line names."""
    go_mod = (ROOT / "tools" / "engine" / "go.mod").read_text()
    (tool,) = re.findall(r"^tool (github\.com/pulumi/pulumi/pkg/v3)/cmd/pulumi$", go_mod, re.M)
    (version,) = re.findall(rf"^\s*{re.escape(tool)} v(\d+\.\d+\.\d+)\b", go_mod, re.M)
    return version


def test_every_pulumi_action_runs_the_cli_tools_engine_builds(workflows):
    version = cli_version()
    actions = [(where, step) for where, step in every_step(workflows) if step.get("uses", "").startswith("pulumi/")]
    assert len(actions) >= 4, actions
    for where, step in actions:
        assert str(step.get("with", {}).get("pulumi-version")) == version, f"{where}: pulumi-version != {version}"


def test_setup_python_caches_on_files_that_exist(workflows):
    for where, step in every_step(workflows):
        if step.get("uses", "").startswith("actions/setup-python@"):
            for path in step["with"].get("cache-dependency-path", "").split():
                assert path in LOCKS.values(), f"{where}: cache key {path} is not a lock"
