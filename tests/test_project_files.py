"""The project and stack files the real CLI reads."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from ops.rehearsal.pinned import pinned_project_schema
from stacks.settings import KEYS, OTHER_KEYS
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


def test_every_settings_key_is_declared_with_type_and_description(project):
    declared = project["config"]
    assert set(declared) == set(KEYS) | OTHER_KEYS
    kinds = {"str": "string", "int": "integer", "bool": "boolean", "list": "array"}
    for key, (_, _, kind) in KEYS.items():
        assert declared[key]["type"] == kinds[kind], key
        assert declared[key]["description"], key
    assert declared["releaseWindow"] == {**declared["releaseWindow"], "type": "object", "default": {}}


def test_optional_keys_default_to_unset(project):
    # The CLI refuses a stack that lacks a declared key without a default, before the program runs.
    for key in ("renderOwnerId", "renderCustomDomain", "dbVpcId"):
        assert project["config"][key]["default"] == "", key


@pytest.mark.parametrize("stack_file", sorted(ROOT.glob("Pulumi.*.yaml")), ids=lambda p: p.name)
def test_stack_files_hold_no_secrets(stack_file):
    text = stack_file.read_text()
    assert "secure:" not in text
    assert not re.search(r"(?i)(password|secret|token|apikey)\s*:", text)
    assert not re.search(r"postgres(ql)?://[^:\s]+:[^@\s]+@", text)


def test_requirements_are_pinned():
    for name in ("requirements.txt", "requirements-dev.txt", "policies/requirements.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "-r")):
                assert re.match(r"^[A-Za-z0-9_.\-\[\]]+==[\w.]+$", line), f"{name}: {line}"
