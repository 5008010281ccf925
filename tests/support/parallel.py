"""How the suite shares its work between pytest-xdist's workers (`-n auto --dist loadgroup`, pyproject.toml).

Each worker builds the session and module fixtures its tests ask for, so tests that share an expensive one run on
one worker: a test that uses a session fixture in SHARED (a rehearsed stack, five offline plans) goes with its other
users, any other test with the rest of its module (module fixtures). The groups that take longest are handed out
first (FIRST), each to a worker of its own, so that none of them starts last and is waited for.
"""

from __future__ import annotations

import pytest

# Session fixtures that cost seconds, and the group their users join (fixtures they depend on count too).
SHARED = {
    "staging_deployed": "rehearsals",
    "production_rehearsal": "rehearsals",
    "cli_plans": "offline-plans",
}
# The rehearsed stacks, what they preview and the fault scenarios on a copy of staging's.
FIRST = ("rehearsals",)


def group(item: pytest.Item) -> str:
    shared = [SHARED[name] for name in getattr(item, "fixturenames", ()) if name in SHARED]
    return shared[0] if shared else item.nodeid.split("::", 1)[0]


def mark_groups(items: list[pytest.Item]) -> None:
    """Each test's group as the `xdist_group` mark loadgroup reads (a test's own mark wins)."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(group(item)))


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
