"""The one pull-request comment: the real `pulumi preview`'s summary and policy section, then the offline plan.

Run by plan-comment.yml's poster from the default branch with the runner's own python3, so it uses the
standard library only and imports nothing of the project:

    python3 ops/plan/comment.py BODY.md [PREVIEW.txt] [--preview fork|pending|failed] > comment.md

BODY.md is what ci.yml wrote (`ops plan --compare … --format markdown` of both stacks, under the marker);
PREVIEW.txt is `pulumi preview -s staging` as preview.yml captured it. Without it, `--preview` says why, as the
poster found it: `fork` (the default: a fork's PR gets no secrets, so no preview), `pending` (a same-repo PR whose
preview run has not finished: the comment is edited when it does) or `failed` (the preview run ended without
output). The summary comes first and is never cut: the marker, the preview's "Resources:" and "Policies:"
sections (or the note on the missing preview), and the headline of each offline plan. Only the details after it
are cut to keep the comment under GitHub's 65,536-character limit.
"""

from __future__ import annotations

import argparse
import re
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
PREVIEW_PENDING = (
    "> [!NOTE]\n> `pulumi preview -s staging` is still running: this comment will be edited when it finishes. "
    "Below is the offline plan (`ops plan` under the SDK's mocks)."
)
PREVIEW_FAILED = (
    "> [!WARNING]\n> `pulumi preview -s staging` ended without output (a policy violation or a program error): "
    "its log in the preview run says why. Below is the offline plan (`ops plan` under the SDK's mocks)."
)
MISSING = {"fork": NO_PREVIEW, "pending": PREVIEW_PENDING, "failed": PREVIEW_FAILED}


def section(preview: str, title: str) -> list[str]:
    """The lines of a section of the CLI's text ("Resources:", "Policies:"), up to the blank line ending it."""
    lines = preview.splitlines()
    if title not in lines:
        return []
    start = lines.index(title)
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def _fence(text: str) -> str:
    """A code fence longer than any backtick run in `text`: the preview is data and cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def preview_summary(preview: str | None, missing: str = "fork") -> str:
    if preview is None:
        return MISSING[missing]
    policies = "\n".join(section(preview, "Policies:"))
    if len(policies) > POLICY_BUDGET:
        policies = policies[:POLICY_BUDGET].rsplit("\n", 1)[0] + "\n    … (cut: see the preview run)"
    resources = "\n".join(section(preview, "Resources:")) or "Resources: the preview did not finish (see its run)"
    text = f"{resources}\n\n{policies}".rstrip()
    fence = _fence(text)
    return f"### `pulumi preview -s staging` (real engine, with the policy pack)\n\n{fence}text\n{text}\n{fence}"


def _closed(details: str) -> str:
    """A cut body with its open code fence and <details> closed again."""
    if details.count("```") % 2:
        details += "\n```"
    details += "\n</details>" * max(0, details.count("<details>") - details.count("</details>"))
    return details


def compose(body: str, preview: str | None, missing: str = "fork") -> str:
    body = body.removeprefix(MARKER).strip("\n")
    headlines = [line for line in body.splitlines() if line.startswith("### ")]
    parts = [MARKER, "## Plan of this pull request", preview_summary(preview, missing), "\n".join(headlines)]
    summary = "\n\n".join(parts)
    room = BUDGET - len(summary) - len(CUT)
    details = body if len(body) <= room else _closed(body[:room].rsplit("\n", 1)[0]) + CUT
    fold = "<details><summary>Offline plan: changes against the base branch, cost, policy verdicts</summary>"
    return f"{summary}\n\n{fold}\n\n{details.rstrip()}\n\n</details>\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="comment.py", description="Compose the one PR comment.")
    parser.add_argument("body", type=Path, help="the offline plan's comment body (ci.yml's artifact)")
    parser.add_argument("preview_file", type=Path, nargs="?", help="the text of `pulumi preview` (preview.yml's)")
    parser.add_argument("--preview", choices=sorted(MISSING), default="fork", help="why there is no preview text")
    args = parser.parse_args(argv[1:])
    body = args.body.read_text(encoding="utf-8", errors="replace")
    file = args.preview_file
    preview = file.read_text(encoding="utf-8", errors="replace") if file and file.is_file() else None
    sys.stdout.write(compose(body, preview if preview and preview.strip() else None, args.preview))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
