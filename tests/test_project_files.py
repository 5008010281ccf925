"""The project and stack files the real CLI reads."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from stacks.settings import KEYS
from tests.conftest import ROOT, SHARED

SCHEMA = SHARED / "schemas" / "pulumi-project.schema.json"


@pytest.fixture(scope="module")
def project() -> dict:
    return yaml.safe_load((ROOT / "Pulumi.yaml").read_text())


def test_pulumi_yaml_matches_the_cli_schema(project):
    if not SCHEMA.is_file():
        pytest.skip(f"{SCHEMA} not present (../shared is only beside a checkout in CI and dev sessions)")
    import jsonschema

    jsonschema.validate(project, json.loads(SCHEMA.read_text()))


def test_runtime_is_python_with_pip_and_virtualenv(project):
    assert project["name"] == "kitchen-kontrol"
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}


def test_every_settings_key_is_declared_with_type_and_description(project):
    declared = project["config"]
    assert set(declared) == set(KEYS)
    kinds = {"str": "string", "int": "integer", "bool": "boolean", "list": "array"}
    for key, (_, _, kind) in KEYS.items():
        assert declared[key]["type"] == kinds[kind], key
        assert declared[key]["description"], key


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
