"""The layers of docs/imports.md hold, no import circle exists and no module outgrows the 400 lines the
project set itself (ops/ by command, issue 21)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.env import ROOT
from tests.support.imports import (
    folder_rules,
    forbidden_imports,
    import_circles,
    import_graph,
    prefix_families,
    project_modules,
)

RULES = ROOT / "docs" / "imports.md"
MAX_MODULE_LINES = 400


def test_no_import_circle_in_the_project():
    assert import_circles(import_graph(ROOT)) == []


def test_no_project_module_is_over_400_lines():
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text().splitlines()) for path in project_modules(ROOT).values()
    }
    assert len(sizes) > 100  # the whole project was read, not an empty folder
    assert {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES} == {}


def test_no_flat_folder_holds_a_family_of_three_prefixed_modules():
    # components/sentry_*.py became components/sentry/, ops/rehearsal/faults_*.py ops/rehearsal/faults/ (issue 31).
    assert prefix_families(ROOT) == {}


def test_a_new_prefix_family_is_found(tmp_path):
    root = _write(tmp_path, {f"components/stripe_{n}.py": "" for n in ("api", "service", "charge")})
    _write(
        root,
        {
            "tests/verify/test_verify_cli.py": "",
            "tests/verify/test_verify_http.py": "",
            "tests/verify/test_verify_tls.py": "",
        },
    )
    assert prefix_families(root) == {"components/stripe_*": ["stripe_api.py", "stripe_charge.py", "stripe_service.py"]}


def test_the_program_declares_its_resources_without_loading_an_http_client():
    # Only the providers' methods call the SaaS APIs: the program (offline plan, engine run) need not pay for
    # httpx, httpcore and tenacity (0.15-0.3 s of `ops plan`, bench/run.py).
    code = (
        "import sys, stacks.environment, components.uptimerobot, components.sentry.membership, "
        "components.render.notifications; print(sorted({'httpx', 'httpcore', 'tenacity'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_plan_judges_with_the_pack_without_its_grpc_client_in_the_programs_process():
    # The judge process speaks to the pack (ops/program/judge_process.py): gRPC traffic in the program's own
    # process took its GIL, about 40 ms of `ops plan` (bench/run.py).
    code = (
        "import sys; from ops.program.runner import run_plan; result = run_plan('staging', policies=True); "
        "print(result.policies_ran, len(result.policy_rules) > 0, "
        "sorted({'ops.analyzer.client', 'ops.program.pack'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True True []"


def test_every_import_is_one_docs_imports_md_allows():
    assert forbidden_imports(ROOT, folder_rules(RULES)) == []


def test_the_rules_cover_every_ops_command_and_no_command_may_import_another():
    rules = folder_rules(RULES)
    commands = ["ops/plan/", "ops/verify/", "ops/runbook/", "ops/checklist/", "ops/readiness/", "ops/rehearsal/"]
    assert set(commands) <= set(rules)
    for command in commands:
        assert not set(rules[command]) & set(commands), command
    assert rules["ops/shared/"] == ["components/saas_http/masking.py"] and rules["ops/__main__.py"] == ["ops/shared/"]


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_a_circle_is_found_even_through_type_checking_and_function_imports(tmp_path):
    root = _write(
        tmp_path,
        {
            "ops/__init__.py": "",
            "ops/plan/__init__.py": "",
            "ops/plan/runner.py": "from ops.plan import pack\n",
            "ops/plan/pack.py": "import typing\nif typing.TYPE_CHECKING:\n    from ops.plan.result import R\n",
            "ops/plan/result.py": "def f():\n    from ops.plan.runner import run\n",
            "ops/plan/alone.py": "import ops.plan.result\n",
        },
    )
    assert import_circles(import_graph(root)) == [["ops.plan.pack", "ops.plan.result", "ops.plan.runner"]]


def test_a_shared_module_importing_a_command_is_refused_with_its_line(tmp_path):
    root = _write(
        tmp_path,
        {
            "docs/imports.md": "| folder | may import |\n|---|---|\n| `ops/shared/` | nothing |\n"
            "| `ops/plan/` | `ops/shared/` |\n",
            "ops/shared/__init__.py": "",
            "ops/shared/errors.py": "import json\n\nfrom ops.plan.render import layout\n",
            "ops/plan/__init__.py": "",
            "ops/plan/render.py": "from ops.shared import errors\n",
            "ops/extra.py": "",
        },
    )
    assert forbidden_imports(root, folder_rules(root / "docs" / "imports.md")) == [
        "ops/extra.py: no row of docs/imports.md covers it",
        "ops/shared/errors.py:3 imports ops.plan.render (ops/plan/), not allowed for ops/shared/",
    ]
