"""The project and stack files the real CLI reads."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml

from ops.project_config import current_text
from ops.rehearsal.pinned import pinned_project_schema
from ops.shared.project import load_stack_config
from stacks.config_keys import KEYS, keys_of
from stacks.config_parsing import parse_settings
from stacks.settings import Settings
from tests.support.commands import run_ops
from tests.support.env import ROOT, unavailable


@pytest.fixture(scope="module")
def project() -> dict:
    return yaml.safe_load((ROOT / "Pulumi.yaml").read_text())


def test_pulumi_yaml_matches_the_pinned_cli_schema(project):
    # The pinned CLI's own schema (it allows `type: object`; ../shared/schemas is an older one that does not).
    schema = pinned_project_schema()
    if schema is None:
        unavailable("the pinned CLI's schema comes with `make engine` (needs Go)")
    import jsonschema

    jsonschema.validate(project, json.loads(schema.read_text()))


def test_runtime_is_python_with_pip_and_virtualenv(project):
    assert project["name"] == "kitchen-kontrol"
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}


def test_the_config_block_is_the_one_the_settings_models_generate(project):
    text = (ROOT / "Pulumi.yaml").read_text()
    assert current_text(text, ROOT / "Pulumi.yaml") == text, "run `make project-config`"
    assert set(project["config"]) == {*KEYS, "releaseWindow"}
    assert project["config"]["appPort"] == {
        "type": "integer",
        "default": 3002,
        "description": "Port server.js listens on; exported to the app as PORT. From 1 to 65535.",
    }
    assert project["config"]["renderRegion"]["description"].endswith(
        "One of: frankfurt, ohio, oregon, singapore, virginia."
    )
    assert project["config"]["releaseWindow"] == {**project["config"]["releaseWindow"], "type": "object", "default": {}}


def test_required_keys_have_no_default_and_optional_ones_default_to_unset(project):
    # The CLI refuses a stack that lacks a declared key without a default, before the program runs.
    required = {key for key, declared in project["config"].items() if "default" not in declared}
    # The stack's identity (appNodeEnv, dbName) and its people have no default a stack could inherit.
    assert required == {"appNodeEnv", "dbName", "dbAllowedCidrs", "sentryOrganization", "oncallContacts"}
    for key in ("renderOwnerId", "renderCustomDomain", "dbVpcId"):
        assert project["config"][key]["default"] == "", key


def test_a_stack_with_only_the_required_keys_gets_every_model_default(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "Pulumi.minimal.yaml").write_text(
        "config:\n"
        "  kitchen-kontrol:appNodeEnv: development\n"
        "  kitchen-kontrol:dbName: kitchen\n"
        "  kitchen-kontrol:dbAllowedCidrs: [203.0.113.7/32]\n"
        "  kitchen-kontrol:sentryOrganization: acme\n"
        '  kitchen-kontrol:oncallContacts: ["primary: Ann Lee <ann@acme.dev>"]\n'
    )
    raw = load_stack_config("minimal", root=tmp_path).config
    settings = parse_settings("minimal", {k.removeprefix("kitchen-kontrol:"): v for k, v in raw.items()})
    assert settings == Settings(
        stack="minimal",
        app={"node_env": "development"},
        render={},
        database={"name": "kitchen", "allowed_cidrs": ("203.0.113.7/32",)},
        monitoring={"sentry_organization": "acme", "contacts": ("primary: Ann Lee <ann@acme.dev>",)},
    )


def test_project_config_check_fails_on_a_stale_block_and_the_command_rewrites_it(tmp_path):
    stale = (ROOT / "Pulumi.yaml").read_text().replace("Render build command.", "How Render builds.")
    (tmp_path / "Pulumi.yaml").write_text(stale)
    check = run_ops("project-config", "--check", "--root", str(tmp_path))
    assert check.returncode == 1 and "make project-config" in check.stderr
    assert (tmp_path / "Pulumi.yaml").read_text() == stale
    write = run_ops("project-config", "--root", str(tmp_path))
    assert write.returncode == 0, write.stderr
    assert (tmp_path / "Pulumi.yaml").read_text() == (ROOT / "Pulumi.yaml").read_text()


def test_a_settings_field_without_its_key_or_description_is_refused():
    from pydantic import BaseModel, Field

    class Incomplete(BaseModel):
        documented: int = Field(default=1, alias="documentedKey", description="Has both.")
        bare: int = 2

    with pytest.raises(TypeError, match=r"Incomplete\.bare: every settings field needs its config key"):
        keys_of("app", Incomplete)


@pytest.mark.parametrize("stack_file", sorted(ROOT.glob("Pulumi.*.yaml")), ids=lambda p: p.name)
def test_stack_files_hold_no_secrets(stack_file):
    text = stack_file.read_text()
    assert "secure:" not in text
    assert not re.search(r"(?i)(password|secret|token|apikey)\s*:", text)
    assert not re.search(r"postgres(ql)?://[^:\s]+:[^@\s]+@", text)


def test_requirements_are_pinned():
    # The human-edited inputs; tests/workflows/test_supply_chain.py checks the hash-pinned locks made from them.
    for name in ("requirements.in", "requirements-dev.in", "policies/requirements.in"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "-r")):
                assert re.match(r"^[A-Za-z0-9_.\-\[\]]+==[\w.]+$", line), f"{name}: {line}"


# Files the documentation and the commands' own hints tell a user to write in the checkout (`--report FILE`,
# `> rehearsal.json`, `--out runbook.md`, `VERIFY_REPORT=…`); placeholders like `x.json` are not files to write.
_WRITTEN = re.compile(
    r"(?:--report|--verify-report|--rehearsal-report|--out|OUT=|VERIFY_REPORT=|> ?)[ =]?([\w.-]+\.(?:json|md))"
)


def test_the_evidence_files_the_docs_tell_you_to_write_are_git_ignored():
    sources = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "ops").rglob("*.py")]
    written = {name for path in sources for name in _WRITTEN.findall(path.read_text()) if name != "x.json"}
    assert {"rehearsal.json", "verify-report.json"} <= written
    for name in sorted(written):
        done = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT, check=False)
        assert done.returncode == 0, f"{name} (written by a documented command) is not git-ignored"
