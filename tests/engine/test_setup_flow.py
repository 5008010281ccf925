"""One setup flow (issue 32): a checkout holding a real stack's secrets settings still rehearses and runs
`ops engine`, since their throwaway copies set their own."""

from __future__ import annotations

from ops.rehearsal.apis import local_apis
from ops.rehearsal.lifecycle import REHEARSAL_VALUES, Rehearsal, copy_project
from ops.rehearsal.workspace import refresh_copy
from tests.support.commands import run_ops


def test_the_rehearsal_previews_a_checkout_whose_stack_file_a_real_stack_init_wrote(
    engine, stack_init_checkout, tmp_path
):
    stack_file = stack_init_checkout / "Pulumi.staging.yaml"
    written = stack_file.read_text()
    assert "\nencryptionsalt: v1:" in written  # what the real CLI wrote: the flow the README documents
    with local_apis("staging", REHEARSAL_VALUES["oncallContacts"]) as apis:
        rehearsal = Rehearsal(engine, "staging", tmp_path, apis.env, root=stack_init_checkout)
        steps = rehearsal.run(until="preview")
    assert (steps[0].name, steps[-1].name, len(steps)) == ("stack init", "preview", 6)
    assert all(s.ok for s in steps), [(s.name, s.output[-1500:]) for s in steps if not s.ok]
    assert stack_file.read_text() == written  # the checkout keeps its real stack's salt


def test_ops_engine_runs_in_a_checkout_whose_stack_file_a_real_stack_init_wrote(engine, stack_init_checkout, tmp_path):
    written = (stack_init_checkout / "Pulumi.staging.yaml").read_text()
    backend = str(tmp_path / "backend")
    init = run_ops("engine", "--backend", backend, "--", "stack", "init", "staging", cwd=stack_init_checkout)
    assert init.returncode == 0, init.stdout + init.stderr  # was: "incorrect passphrase"
    port = run_ops(
        "engine",
        "--backend",
        backend,
        "--",
        "config",
        "get",
        "-s",
        "staging",
        "kitchen-kontrol:appPort",
        cwd=stack_init_checkout,
    )
    assert (port.returncode, port.stdout.strip()) == (0, "3002"), port.stdout + port.stderr
    assert (stack_init_checkout / "Pulumi.staging.yaml").read_text() == written


def test_a_copy_never_carries_another_backends_secrets_provider(project_dir, tmp_path):
    stack_file = project_dir / "Pulumi.production.yaml"
    project_dir.write_stack("production")
    committed = stack_file.read_text()
    stack_file.write_text(
        "secretsprovider: awskms://alias/kitchen-kontrol-production-state?region=us-east-1\n"
        "encryptedkey: AQICAHh0ZXN0\n" + committed
    )
    rehearsal_copy = copy_project(tmp_path / "rehearsal", "production", project_dir)
    engine_copy = refresh_copy(tmp_path / "engine" / "project", project_dir)
    for copy in (rehearsal_copy, engine_copy):
        assert (copy / "Pulumi.production.yaml").read_text() == committed
