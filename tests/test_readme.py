"""The README is read in two minutes and states nothing the code contradicts: the two set-up commands and the
sandbox on the first screen, its outputs and counts the program's, every path it names present, every command it
shows one that runs from a fresh clone (a make target, or an `ops` command through the venv's python)."""

from __future__ import annotations

import re
import subprocess

import pytest

from ops.__main__ import COMMANDS
from tests.support.env import ROOT

README = (ROOT / "README.md").read_text()
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# The repository's folders: a backticked `folder/…` names a path in it (`.venv/`, `.tools/` are made by make).
FOLDERS = ("ops", "stacks", "components", "policies", "tests", "docs", "tools", "bench", r"\.github")


def _code_lines(text: str) -> list[str]:
    """The commands of every ```sh block, comments and blank lines aside."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
        lines += [line.split(" #")[0].strip() for line in block.splitlines() if line.strip()[:1] not in ("", "#")]
    return lines


def _made(path: str) -> bool:
    """A git-ignored path a command makes (`policies/venv`, by the CLI), which a fresh clone has not."""
    return subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False).returncode == 0


def test_first_code_block_is_make_plan_then_make_test():
    lines = README.splitlines()
    start = lines.index("```sh")
    assert start < 10, "the set-up commands belong on the first screen"
    commands = [line.split("#")[0].strip() for line in lines[start + 1 : lines.index("```", start + 1)]]
    assert commands == ["make plan", "make test"]


def test_the_readme_is_read_in_two_minutes_with_the_sandbox_on_its_first_screen():
    assert len(README.encode()) <= 10_000
    first_screen = "\n".join(README.splitlines()[:30])
    assert ".venv/bin/python -m ops engine --values rehearsal -- up -s staging --yes" in first_screen
    assert "make rehearse" in first_screen


def test_the_outputs_the_readme_lists_are_the_ones_the_program_exports(staging_document):
    exported = set(staging_document["outputs"]) if isinstance(staging_document["outputs"], dict) else None
    exported = exported or {o["name"] for o in staging_document["outputs"]}
    paragraph = README.split("The stack exports ", 1)[1].split("\n\n", 1)[0]
    count = int(paragraph.split(" outputs:", 1)[0])
    listed = set(re.findall(r"`(\w+)`", paragraph))
    assert (count, listed) == (len(exported), exported)
    architecture = (ROOT / "docs" / "architecture.md").read_text()
    outputs = architecture.split("Stack outputs (`stacks/environment.py`):", 1)[1].split("\n\n", 1)[0]
    assert set(re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", outputs))) == exported  # asides in parentheses


@pytest.mark.parametrize("document", DOCS, ids=lambda p: p.name)
def test_every_path_a_document_names_exists(document):
    text = document.read_text()
    named = set(re.findall(r"\]\(([^)#:\s]+)(?:#[^)]*)?\)", text))  # relative links
    named |= set(re.findall(rf"`((?:{'|'.join(FOLDERS)})/[\w./-]*)`", text))
    base = document.parent
    missing = sorted(p for p in named if not (base / p).exists() and not (ROOT / p).exists() and not _made(p))
    assert missing == [], f"{document.name} names paths that do not exist"


def test_the_readmes_links_to_sections_land_on_a_heading():
    for target, anchor in re.findall(r"\]\((docs/[\w.-]+\.md)#([\w-]+)\)", README):
        headings = re.findall(r"^#+ (.+)$", (ROOT / target).read_text(), re.MULTILINE)
        slugs = {re.sub(r"[^\w -]", "", h).strip().lower().replace(" ", "-") for h in headings}
        assert anchor in slugs, f"{target}#{anchor}"


def _makefile_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))


def test_every_command_the_readme_shows_runs_from_a_fresh_clone():
    targets = _makefile_targets()
    shown = _code_lines(README) + re.findall(r"\| `((?:make|\.venv/bin/python) [^`]+)`", README)
    assert len(shown) >= 8
    for command in shown:
        if command.startswith("make "):
            named = [w for w in command.split()[1:] if re.fullmatch(r"[a-z][a-z-]*", w)]
            assert named and set(named) <= targets, command
        else:
            assert command.startswith(".venv/bin/python -m ops "), f"not runnable from a fresh clone: {command}"
            assert command.split()[3] in COMMANDS, command


@pytest.mark.parametrize("document", DOCS, ids=lambda p: p.name)
def test_no_document_shows_ops_with_a_python_that_lacks_the_venv(document):
    bare = [line for line in _code_lines(document.read_text()) if re.match(r"(python3?|PYTHON) -m ops\b", line)]
    assert bare == [], f"{document.name}: run ops as .venv/bin/python -m ops (a system python lacks the SDKs)"
