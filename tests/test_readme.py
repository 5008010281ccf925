"""The README's first screen still starts with the two set-up commands."""

from __future__ import annotations

from tests.support.env import ROOT


def test_first_code_block_is_make_plan_then_make_test():
    lines = (ROOT / "README.md").read_text().splitlines()
    start = lines.index("```sh")
    assert start < 10, "the set-up commands belong on the first screen"
    commands = [line.split("#")[0].strip() for line in lines[start + 1 : lines.index("```", start + 1)]]
    assert commands == ["make plan", "make test"]
