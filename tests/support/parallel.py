"""How the suite shares its work between pytest-xdist's workers (`-n auto --dist loadgroup`, pyproject.toml).

Each worker builds the session and module fixtures its tests ask for, so tests that share an expensive one run on
one worker: every test with the others of its module (module fixtures), and with every other user of a session
fixture in SHARED (a rehearsal of a stack, five offline plans), modules joined through them. The groups that take
longest are handed out first (FIRST), each to a worker of its own, so none of them starts last and is waited for.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

# Session fixtures that cost seconds, and the group their users join (fixtures they depend on count too).
SHARED = {
    "staging_apis": "rehearsals",
    "production_rehearsal": "rehearsals",
    "cli_plans": "offline-plans",
}
# The faults rehearsal (one `ops rehearse staging --faults`), then the rehearsed stacks and what they preview.
FIRST = ("tests/engine/test_faults.py", "rehearsals")


def groups(items: Iterable[pytest.Item]) -> dict[str, str]:
    """nodeid -> group: modules that share a fixture in SHARED form one group, named after it."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(a: str, b: str) -> None:
        first, second = sorted((root(a), root(b)), key=lambda n: (n not in SHARED.values(), n))
        parent[second] = first  # a named group keeps its name

    modules = {}
    for item in items:
        modules[item.nodeid] = module = item.nodeid.split("::", 1)[0]
        root(module)
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in SHARED:
                join(SHARED[fixture], module)
    return {nodeid: root(module) for nodeid, module in modules.items()}


def mark_groups(items: list[pytest.Item]) -> None:
    """Each test's group as the `xdist_group` mark loadgroup reads (a test's own mark wins)."""
    grouped = groups(items)
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(grouped[item.nodeid]))


def scheduler(config: pytest.Config, log):
    """xdist's loadgroup scheduling with the FIRST groups at the head of its queue."""
    from xdist.scheduler import LoadGroupScheduling

    class LongestFirst(LoadGroupScheduling):
        def _assign_work_unit(self, node) -> None:
            for scope in reversed(FIRST):
                if scope in self.workqueue:
                    self.workqueue.move_to_end(scope, last=False)
            super()._assign_work_unit(node)

    return LongestFirst(config, log)
