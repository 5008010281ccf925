"""The project's own import graph, read from the source (AST): every `import`/`from … import` of a project
module, at module level, inside a function or under `TYPE_CHECKING`; and the rules of docs/imports.md."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

# Not the project's layers: test and benchmark code may import anything; the rest is not ours.
SKIPPED = {"tests", "bench", "tools", ".venv", "venv", ".tools", ".git", "node_modules"}
_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$")


def project_modules(root: Path) -> dict[str, Path]:
    """Dotted name -> file of every project module (a package by its __init__.py)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if SKIPPED & set(relative.parts[:-1]) or relative.parts[0] in SKIPPED:
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            modules[".".join(parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """(project module imported, line) for each import in `path`; `from pkg import mod` counts as `pkg.mod`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    # The pack runs with policies/ as its directory: its `rules` package is policies/rules.
    prefix = "policies." if name.split(".")[0] == "policies" else ""

    def known(target: str) -> str | None:
        return next((c for c in (target, prefix + target) if c in modules), None)

    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found = [known(alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([module] if module else []))
            found = [known(f"{module}.{alias.name}") or known(module) for alias in node.names]
        else:
            continue
        for target in dict.fromkeys(t for t in found if t):
            yield target, node.lineno


def import_graph(root: Path) -> dict[str, set[str]]:
    modules = project_modules(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target, _ in imports_of(name, path, modules):
            if target != name:
                graph[name].add(target)
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(circles)


def folder_rules(document: Path) -> dict[str, list[str]]:
    """The table of docs/imports.md: folder (or file) -> the folders and files it may import."""
    rules = {}
    for line in document.read_text().splitlines():
        match = _ROW.match(line)
        if match and match.group(1) != "folder":
            rules[match.group(1)] = re.findall(r"`([^`]+)`", match.group(2).split("(")[0])
    return rules


def owner(path: str, entries) -> str | None:
    """The most specific entry (folder `x/` or file `x.py`) that holds `path`, a path relative to the root."""
    found = [e for e in entries if path == e or (e.endswith("/") and path.startswith(e))]
    return max(found, key=len, default=None)


def forbidden_imports(root: Path, rules: dict[str, list[str]]) -> list[str]:
    """Each import the rules do not allow, and each module no rule covers."""
    modules = project_modules(root)
    problems = []
    for name, path in modules.items():
        source = path.relative_to(root).as_posix()
        unit = owner(source, rules)
        if unit is None:
            problems.append(f"{source}: no row of docs/imports.md covers it")
            continue
        for target, line in imports_of(name, path, modules):
            target_path = modules[target].relative_to(root).as_posix()
            if owner(target_path, [unit]) or owner(target_path, rules[unit]):
                continue
            problems.append(f"{source}:{line} imports {target} ({owner(target_path, rules)}), not allowed for {unit}")
    return problems


# policies/rules is checkov's layout: one rule a file, named resource type first (rds_instance_*), flat on purpose.
FLAT_BY_DESIGN = {"policies/rules"}


def prefix_families(root: Path, smallest: int = 3) -> dict[str, list[str]]:
    """`folder/prefix_*` -> its modules, for every flat folder where `smallest` or more modules share a prefix:
    a package waiting to be named. Tests count by what follows `test_`; a prefix that is the folder's own
    name (tests/verify/test_verify_*.py) is already a package."""
    families: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        folder = relative.parent.as_posix()
        if {".venv", "venv", ".tools", ".git", "node_modules"} & set(relative.parts) or folder in FLAT_BY_DESIGN:
            continue
        stem = relative.stem.removeprefix("test_")
        prefix = stem.split("_")[0]
        if stem.startswith("_") or "_" not in stem or relative.parent.name in {prefix, prefix + "s"}:
            continue
        families.setdefault(f"{folder}/{prefix}_*", []).append(relative.name)
    return {family: names for family, names in families.items() if len(names) >= smallest}
