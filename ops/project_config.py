"""``python -m ops project-config [--check]``: Pulumi.yaml's ``config:`` block, written from the settings models.

The models in ``stacks/settings/`` declare every key once (alias, description, default, constraints); this
command renders them as the block the CLI reads, so the two cannot drift. ``--check`` writes nothing and
fails when the file is not current (the tests run it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from ops.shared.errors import UsageError
from ops.shared.project import ROOT
from stacks.config_keys import project_config_block

MARKER = "# Generated from the settings models (stacks/settings/) by `make project-config`: edit the models."
_NOTE = (
    "# The CLI requires a declared key without a default in every stack and hands the program the default of\n"
    '# any key a stack leaves out; optional keys default to "" (unset). Provider keys (aws:region, ...) are\n'
    "# not declared.\n"
)


def render_block() -> str:
    body = yaml.safe_dump(
        {"config": project_config_block()}, sort_keys=False, default_flow_style=False, width=10_000, allow_unicode=True
    )
    return f"{MARKER}\n{_NOTE}{body}"


def read_project_file(project_file: Path) -> str:
    try:
        return project_file.read_text()
    except OSError as exc:
        raise UsageError(f"cannot read {project_file}: {exc.strerror}") from None


def current_text(text: str, project_file: Path) -> str:
    """`text` of the project file with its config block rendered anew; the lines above the block are kept."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip("\n") in (MARKER, "config:")), None)
    if start is None:
        raise UsageError(f"{project_file.name}: expected a top-level `config:` block to replace")
    return "".join(lines[:start]) + render_block()


def main(args: argparse.Namespace) -> int:
    project_file = args.root / "Pulumi.yaml"
    text = read_project_file(project_file)
    wanted = current_text(text, project_file)
    if text == wanted:
        print(f"{project_file.name}: the config block is current")
        return 0
    if args.check:
        print(
            f"error: {project_file.name}'s config block differs from the settings models; run `make project-config`",
            file=sys.stderr,
        )
        return 1
    project_file.write_text(wanted)
    print(f"{project_file.name}: config block written from the settings models")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "project-config",
        help="write Pulumi.yaml's config block from the settings models",
        description=(
            "Render every kitchen-kontrol:* key declared by the settings models in stacks/settings/ "
            "(type, default, description) as Pulumi.yaml's config block."
        ),
    )
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when Pulumi.yaml is not current")
    parser.add_argument("--root", type=Path, default=ROOT, help="the project directory (default: this repository)")
    parser.set_defaults(handler=main)
