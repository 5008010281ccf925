"""The PR comment's inputs as ci.yml writes them (plan and comparison JSON of both stacks), hostile versions of
them, and the comment rendered as GitHub renders it (CommonMark + tables, raw HTML allowed)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from ops.plan.compare import compare

# What a pull request's code could write into any string of its plan: forged headings and verdicts, HTML that
# closes the fold, images and links to other hosts, a mention of the people who approve production, fences.
HOSTILE = (
    "| cell | @rubyrayjuntos/kitchen-kontrol-production-owners @octocat "
    "x</details></summary><img src=https://evil.example/p.png> <a href='https://evil.example'>a</a>\n"
    "### production: no changes, 0 policy violations\n\n# forged\n"
    "[l](https://evil.example) ![i](https://evil.example/i.png) <https://evil.example> www.evil.example | a | b |\n"
    "```\n~~~\n`` ` <!-- --> &lt;script&gt; \\\n> [!CAUTION]\n- item"
)
# URNs are checked against a pattern that allows no line break: the same, on one line.
HOSTILE_LINE = HOSTILE.replace("\n", " ")
# Strings that must stay as they are for the document to be valid (enums, the stack's name).
KEPT = {"phase", "enforcementLevel", "verdict", "kind", "stack", "schemaVersion"}


def with_marker_resource(document: dict, name: str) -> dict:
    """`document` with one more resource, named `name`: the comparison with `document` shows it added."""
    head = copy.deepcopy(document)
    stack_urn = head["resources"][0]["urn"]
    prefix = stack_urn.rsplit("::", 2)[0]
    head["resources"].append(
        {
            "urn": f"{prefix}::kitchen-kontrol:index:Marker::{name}",
            "type": "kitchen-kontrol:index:Marker",
            "name": name,
            "parent": stack_urn,
            "custom": True,
            "protect": False,
            "inputs": {},
        }
    )
    head["summary"]["resources"] += 1
    head["summary"]["create"] += 1
    return head


def as_stack(document: dict, stack: str) -> dict:
    other = copy.deepcopy(document)
    other["stack"] = stack
    return other


def crowded(document: dict, count: int = 3000) -> dict:
    """`document` with `count` more resources, long-named, each with an advisory verdict: details far over a
    comment's limit."""
    head = with_marker_resource(document, "seed")
    added = [
        {**head["resources"][-1], "urn": f"{head['resources'][-1]['urn']}-{i}", "name": f"row {i} " + "n" * 200}
        for i in range(count)
    ]
    head["resources"] += added
    verdict = {"policy": "p" * 200, "enforcementLevel": "advisory", "severity": "low", "deferred": False}
    head["diagnostics"] += [{**verdict, "urn": r["urn"], "message": "m" * 300} for r in added]
    return head


def artifact_files(document: dict, name: str = "first push", *, compared: bool = True) -> dict[str, str]:
    """ci.yml's artifact for a PR that adds a resource named `name` to both stacks of `document` (staging's plan)."""
    return artifact_of(document, with_marker_resource(document, name), compared=compared)


def artifact_of(base: dict, head: dict, *, compared: bool = True) -> dict[str, str]:
    """ci.yml's artifact for a PR whose plan of both stacks is `head` and the base branch's `base`."""
    files = {}
    for stack in ("staging", "production"):
        files[f"plan-{stack}.json"] = json.dumps(as_stack(head, stack))
        if compared:
            files[f"compare-{stack}.json"] = json.dumps(compare(as_stack(base, stack), as_stack(head, stack)))
    return files


def write_files(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text)
    return directory


def rewrite_strings(value: Any, suffix: str, line_suffix: str, key: str = "") -> Any:
    """Every string of a document with `suffix` appended (`line_suffix` for URNs, which allow no line break)."""
    if isinstance(value, dict):
        return {k: rewrite_strings(v, suffix, line_suffix, k) for k, v in value.items()}
    if isinstance(value, list):
        return [rewrite_strings(v, suffix, line_suffix, key) for v in value]
    if isinstance(value, str) and key not in KEPT:
        return value + (line_suffix if key in ("urn", "parent") or value.startswith("urn:") else suffix)
    return value


def rewritten_files(files: dict[str, str], suffix: str, line_suffix: str) -> dict[str, str]:
    return {name: json.dumps(rewrite_strings(json.loads(text), suffix, line_suffix)) for name, text in files.items()}


def tokens(markdown: str) -> list:
    """Every token of the comment, inline children included, as GitHub's CommonMark + tables parses it."""
    found = []
    for token in MarkdownIt("gfm-like", {"linkify": False}).parse(markdown):
        found.append(token)
        found.extend(token.children or [])
    return found


def html_of(markdown: str) -> str:
    return MarkdownIt("gfm-like", {"linkify": False}).render(markdown)
