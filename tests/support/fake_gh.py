#!/usr/bin/env python3
"""A stand-in for the `gh` CLI over a JSON file (FAKE_GH_STATE): the few calls plan-comment.yml
makes, with `--jq` filters run by the real jq, so the workflow's own filters are what is tested.

State: "runs" (workflow runs: id, path, status, head_sha, event, created_at), "artifacts" (run id ->
artifact name -> directory), "pulls" (number -> {"head": {"sha"}}), "comments" (number -> list)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

STATE = Path(os.environ["FAKE_GH_STATE"])


def main(argv: list[str]) -> int:
    state = json.loads(STATE.read_text())
    state["calls"].append(argv)
    try:
        if argv[:2] == ["run", "download"]:
            return download(argv, state)
        if argv[0] == "api":
            return api(argv[1:], state)
        print(f"fake gh: unsupported {argv}", file=sys.stderr)
        return 2
    finally:
        STATE.write_text(json.dumps(state))


def option(args: list[str], *names: str) -> str | None:
    for i, arg in enumerate(args):
        if arg in names:
            return args[i + 1]
    return None


def download(argv: list[str], state: dict) -> int:
    artifact = state["artifacts"].get(argv[2], {}).get(option(argv, "--name"))
    if artifact is None:
        print("no valid artifacts found to download", file=sys.stderr)
        return 1
    shutil.copytree(artifact, option(argv, "--dir"), dirs_exist_ok=True)
    return 0


def api(args: list[str], state: dict) -> int:
    method = option(args, "--method", "-X") or "GET"
    path = next(a for a in args if a.startswith("repos/"))
    body_field = option(args, "-F", "--field")
    if method == "GET" and (m := re.fullmatch(r"repos/[^/]+/[^/]+/pulls/(\d+)", path)):
        if m[1] not in state["pulls"]:
            print("HTTP 404: Not Found", file=sys.stderr)
            return 1
        return emit(state["pulls"][m[1]], option(args, "--jq"))
    if method == "GET" and re.fullmatch(r"repos/[^/]+/[^/]+/actions/runs\?.*", path):
        query = dict(urllib.parse.parse_qsl(path.split("?", 1)[1]))
        runs = [r for r in state["runs"] if all(r[key] == query[key] for key in ("head_sha", "event") if key in query)]
        return emit({"total_count": len(runs), "workflow_runs": runs}, option(args, "--jq"))
    if method == "GET" and (m := re.fullmatch(r"repos/[^/]+/[^/]+/issues/(\d+)/comments", path)):
        return emit(state["comments"].get(m[1], []), option(args, "--jq"))
    body = Path(body_field.split("=@", 1)[1]).read_text() if body_field else None
    if method == "POST" and (m := re.fullmatch(r"repos/[^/]+/[^/]+/issues/(\d+)/comments", path)):
        state["next_id"] += 1
        comment = {"id": state["next_id"], "user": {"login": "github-actions[bot]"}, "body": body}
        state["comments"].setdefault(m[1], []).append(comment)
        return 0
    if method == "PATCH" and (m := re.fullmatch(r"repos/[^/]+/[^/]+/issues/comments/(\d+)", path)):
        for comments in state["comments"].values():
            for comment in comments:
                if comment["id"] == int(m[1]):
                    comment["body"] = body
                    return 0
        return 1
    print(f"fake gh: unsupported api call {method} {path}", file=sys.stderr)
    return 2


def emit(data, jq: str | None) -> int:
    if jq is None:
        print(json.dumps(data))
        return 0
    done = subprocess.run(["jq", "-r", jq], input=json.dumps(data), capture_output=True, text=True, check=False)
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
