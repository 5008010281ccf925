"""CODEOWNERS: the files that keep production shut, and every file they depend on, cannot change without their
owners' review. The list is derived from the code, not kept by hand: the import closure of the program, the guard,
the protect transform and the PR comment's composer; the files the Makefile's policy flags, locks and engine build
name; the files the workflows name; the stack files, CI's entry point and the workflows themselves."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.env import ROOT
from tests.support.imports import import_graph, project_modules
from tests.support.workflows import every_step, workflow_files

PRODUCTION_OWNERS = "@rubyrayjuntos/kitchen-kontrol-production-owners"
# The modules whose behaviour decides what production gets, and the composer that holds the PR write token.
ROOTS = ["__main__", "stacks.program", "stacks.guard", "stacks.protection", "ops.plan.comment"]
PROTECTED = {
    "policies/rules/stop_before_production.py": "policy-owners",
    "policies/config.production.json": "policy-owners",
    "stacks/guard.py": "policy-owners",
    "Pulumi.production.yaml": "production-owners",
    ".github/workflows/preview-production.yml": "production-owners",
    ".github/CODEOWNERS": "production-owners",
}


def _regex(pattern: str) -> re.Pattern:
    """GitHub's CODEOWNERS pattern (gitignore's rules less `!` and `[]`) as a regex on a repository path."""
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body, i, out = pattern.strip("/"), 0, ""
    while i < len(body):
        if body.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif body.startswith("**", i):
            out, i = out + ".*", i + 2
        elif body[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif body[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(body[i]), i + 1
    # A pattern naming a directory covers everything under it; `dir/` matches only a directory.
    end = "/.*" if pattern.endswith("/") else "(?:/.*)?"
    return re.compile(("^" if anchored else "^(?:.*/)?") + out + end + "$")


def codeowners() -> list[tuple[str, list[str]]]:
    entries = []
    for line in (ROOT / ".github" / "CODEOWNERS").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            pattern, *owners = line.split()
            assert owners and all(re.fullmatch(r"@[\w.-]+/[\w.-]+|@[\w.-]+", o) for o in owners), line
            assert not pattern.startswith("!") and "[" not in pattern, f"GitHub ignores {pattern}"
            entries.append((pattern, owners))
    return entries


def rule_of(path: str, entries: list[tuple[str, list[str]]]) -> int | None:
    """The index of the entry that owns `path`: the last one whose pattern matches (GitHub's rule)."""
    found = None
    for index, (pattern, _) in enumerate(entries):
        if _regex(pattern).match(path):
            found = index
    return found


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("*", "a/b/c.py", True),
        ("/stacks/", "stacks/settings/app.py", True),
        ("/stacks/", "ops/stacks/x.py", False),
        ("/Pulumi.*.yaml", "Pulumi.staging.yaml", True),
        ("/Pulumi.*.yaml", "docs/Pulumi.x.yaml", False),
        ("/requirements*.txt", "policies/requirements.txt", False),
        ("requirements*.txt", "policies/requirements.txt", True),
        ("/ops/plan/comment.py", "ops/plan/comment.py", True),
        ("/ops/plan/comment.py", "ops/plan/comment.pyc", False),
        ("docs/*.md", "docs/a/b.md", False),
        ("/tools/engine/", "tools/engine/languagehost/main.go", True),
    ],
)
def test_patterns_match_as_github_matches_them(pattern, path, matches):
    assert bool(_regex(pattern).match(path)) is matches


def tracked(*patterns: str) -> set[str]:
    """Tracked files matching shell globs (a directory: every file under it)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", *patterns], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return {p for p in listed.stdout.split("\0") if p}


def import_closure() -> set[str]:
    """Files of ROOTS and everything they import, with the packages (__init__.py) an import runs."""
    graph, modules = import_graph(ROOT), project_modules(ROOT)
    seen: set[str] = set()
    todo = list(ROOTS)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += graph[name]
            todo += [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)]  # its packages
    return {str(modules[name].relative_to(ROOT)) for name in seen if name in modules}


def makefile_files() -> set[str]:
    """The Makefile, the policy flags' pack and configs, the locks and their inputs, the engine's sources."""
    text = (ROOT / "Makefile").read_text()
    stack = "*"  # POLICY_FLAGS names policies/config.$(STACK).json: every stack's
    (flags,) = re.findall(r"^override POLICY_FLAGS = (.*)$", text, re.M)
    named = [word.replace("$(STACK)", stack) for word in flags.split() if not word.startswith("-")]
    (locks,) = re.findall(r"^LOCKS := (.*)$", text, re.M)
    named += locks.split()
    named += re.findall(r"\$\(LOCK_COMPILE\) (?:-c \S+ )?(\S+\.in) -o", text)
    (engine,) = re.findall(r"^ENGINE_SOURCES := (.*)$", text, re.M)
    sources = re.sub(r"\$\(wildcard ([^)]*)\)", r"\1", engine).split()
    named += sources + [str(Path(source).parent) for source in sources]  # and the build's folder
    return {"Makefile"} | tracked(*named)


def input_includes(files: set[str]) -> set[str]:
    """The requirement files the inputs include with -r."""
    found = set()
    for name in [f for f in files if f.endswith(".in")]:
        for line in (ROOT / name).read_text().splitlines():
            if line.startswith("-r "):
                found.add(str((ROOT / name).parent.joinpath(line[3:].strip()).resolve().relative_to(ROOT)))
    return found


def workflow_named_files() -> set[str]:
    """The files the workflows name: policy packs and configs, the poster's checkout, cache keys, `-r` files."""
    workflows = {p.name: yaml.safe_load(p.read_text()) for p in workflow_files()}
    named = []
    for _, step in every_step(workflows):
        options = step.get("with", {})
        for key in ("policyPacks", "policyPackConfigs", "sparse-checkout", "cache-dependency-path"):
            named += str(options.get(key, "")).split()
        named += re.findall(r"\bpip install [^\n]*?-r (\S+)", step.get("run", ""))
    return tracked(*named)


def derived() -> set[str]:
    files = import_closure() | makefile_files() | workflow_named_files()
    files |= tracked("Pulumi.yaml", "Pulumi.*.yaml", ".ci", ".github")
    return files | input_includes(files)


def test_the_derived_list_holds_what_keeps_production_shut():
    # The floor the issue names: a derivation that lost one of them is broken, not a pass.
    assert {
        "stacks/program.py",
        "stacks/protection.py",
        "stacks/guard.py",
        "ops/plan/comment.py",
        "ops/plan/schema_check.py",
        "ops/plan/plan.schema.json",
        "Makefile",
        "Pulumi.yaml",
        "Pulumi.staging.yaml",
        "Pulumi.production.yaml",
        "requirements.in",
        "requirements.txt",
        "requirements-dev.txt",
        "policies/requirements.in",
        "policies/requirements.txt",
        "policies/config.production.json",
        "policies/__main__.py",
        "policies/rules/stop_before_production.py",
        "tools/engine/go.mod",
        "tools/engine/build.sh",
        "tools/engine/languagehost/main.go",
        ".ci/run",
        ".github/workflows/plan-comment.yml",
        ".github/CODEOWNERS",
    } <= derived()


@pytest.mark.parametrize("path", sorted(derived()))
def test_every_file_production_depends_on_is_owned_by_its_owners(path):
    entries = codeowners()
    rule = rule_of(path, entries)
    assert rule is not None and rule > 0, f"{path} falls to the catch-all {entries[0]}"
    assert PRODUCTION_OWNERS in entries[rule][1], f"{path}: {entries[rule]}"


@pytest.mark.parametrize(("path", "team"), sorted(PROTECTED.items()))
def test_protected_files_have_their_owners(path, team):
    assert (ROOT / path).exists(), path
    entries = codeowners()
    owners = entries[rule_of(path, entries)][1]
    assert any(o.endswith(f"-{team}") for o in owners), f"{path}: {owners}"


def test_a_catch_all_does_not_shadow_the_specific_lines():
    entries = codeowners()
    assert entries[0][0] == "*", "the catch-all must come first: the last match wins"
    assert rule_of("README.md", entries) == 0 and rule_of("docs/pipeline.md", entries) == 0


def test_every_line_owns_a_file():
    entries = codeowners()
    files = tracked(".")
    for pattern, _ in entries[1:]:
        assert any(_regex(pattern).match(f) for f in files), f"{pattern} matches no tracked file"
