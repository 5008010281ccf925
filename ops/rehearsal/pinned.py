"""What tools/engine/go.mod pins, and where the Go toolchain keeps the pinned SDK's files."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from ops.shared.project import ROOT

GO_MOD = ROOT / "tools" / "engine" / "go.mod"


def pinned_cli_version() -> str:
    match = re.search(r"^\s*github\.com/pulumi/pulumi/pkg/v3 (v\S+)", GO_MOD.read_text(), re.MULTILINE)
    if not match:
        raise ValueError(f"{GO_MOD}: no github.com/pulumi/pulumi/pkg/v3 requirement")
    return match.group(1)


def pinned_project_schema() -> Path | None:
    """The pinned CLI's own JSON schema of Pulumi.yaml, from the Go module cache (None without Go
    or before `make engine` has downloaded the SDK module)."""
    go = shutil.which("go")
    if not go:
        return None
    cache = subprocess.run([go, "env", "GOMODCACHE"], capture_output=True, text=True, check=False).stdout.strip()
    schema = Path(cache) / f"github.com/pulumi/pulumi/sdk/v3@{pinned_cli_version()}/go/common/workspace/project.json"
    return schema if schema.is_file() else None
