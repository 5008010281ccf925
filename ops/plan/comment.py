"""The one pull-request comment: the real `pulumi preview`'s summary and policy section, then the offline plan.

Run by plan-comment.yml's poster from the default branch with the runner's own python3, so it uses the
standard library only and imports nothing of the project:

    python3 ops/plan/comment.py BODY.md [PREVIEW.txt] > comment.md

BODY.md is what ci.yml wrote (`ops plan --compare … --format markdown` of both stacks, under the marker);
PREVIEW.txt is `pulumi preview -s staging` as preview.yml captured it, absent on a fork's PR (no secrets, no
preview). The summary comes first and is never cut: the marker, the preview's "Resources:" and "Policies:"
sections (or the note that there is no preview), and the headline of each offline plan. Only the details after
it are cut to keep the comment under GitHub's 65,536-character limit.
"""

from __future__ import annotations

import sys
from pathlib import Path

MARKER = "<!-- kitchen-kontrol-plan -->"
GITHUB_LIMIT = 65_536
BUDGET = 60_000  # below the limit, with room for the closing lines
POLICY_BUDGET = 12_000  # a preview full of violations still leaves room for the plan's headlines
CUT = "\n\n(cut to fit a comment: the full plan and preview are in the ci and preview runs)\n"
NO_PREVIEW = (
    "> [!NOTE]\n> No `pulumi preview` ran for this pull request: it comes from a fork, which gets no secrets. "
    "Below is the offline plan alone (`ops plan` under the SDK's mocks)."
)


def section(preview: str, title: str) -> list[str]:
    """The lines of a section of the CLI's text ("Resources:", "Policies:"), up to the blank line ending it."""
    lines = preview.splitlines()
    if title not in lines:
        return []
    start = lines.index(title)
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def preview_summary(preview: str | None) -> str:
    if preview is None:
        return NO_PREVIEW
    policies = "\n".join(section(preview, "Policies:"))
    if len(policies) > POLICY_BUDGET:
        policies = policies[:POLICY_BUDGET].rsplit("\n", 1)[0] + "\n    … (cut: see the preview run)"
    resources = "\n".join(section(preview, "Resources:")) or "Resources: the preview did not finish (see its run)"
    return (
        "\n".join(
            [
                "### `pulumi preview -s staging` (real engine, with the policy pack)",
                "",
                "```text",
                resources,
                "",
                policies,
            ]
        ).rstrip()
        + "\n```"
    )


def _closed(details: str) -> str:
    """A cut body with its open code fence and <details> closed again."""
    if details.count("```") % 2:
        details += "\n```"
    details += "\n</details>" * max(0, details.count("<details>") - details.count("</details>"))
    return details


def compose(body: str, preview: str | None) -> str:
    body = body.removeprefix(MARKER).strip("\n")
    headlines = [line for line in body.splitlines() if line.startswith("### ")]
    summary = "\n\n".join([MARKER, "## Plan of this pull request", preview_summary(preview), "\n".join(headlines)])
    room = BUDGET - len(summary) - len(CUT)
    details = body if len(body) <= room else _closed(body[:room].rsplit("\n", 1)[0]) + CUT
    fold = "<details><summary>Offline plan: changes against the base branch, cost, policy verdicts</summary>"
    return f"{summary}\n\n{fold}\n\n{details.rstrip()}\n\n</details>\n"


def main(argv: list[str]) -> int:
    body = Path(argv[1]).read_text(encoding="utf-8", errors="replace")
    preview_file = Path(argv[2]) if len(argv) > 2 else None
    preview = (
        preview_file.read_text(encoding="utf-8", errors="replace")
        if preview_file and preview_file.is_file() and preview_file.stat().st_size
        else None
    )
    sys.stdout.write(compose(body, preview))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
