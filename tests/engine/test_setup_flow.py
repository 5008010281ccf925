"""A newcomer's flow (issue 32): a checkout holding a real stack's secrets settings still rehearses and runs
`ops engine` (their throwaway copies set their own); a config change `ops engine` would drop is refused (a local
`up` with the rehearsal's values: the README's own line, run by tests/engine/test_engine_safety.py)."""

from __future__ import annotations

import pytest

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
    assert [step.name for step in steps] == ["stack init", "config set-all (rehearsal values)", "preview"]
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


def test_contacts_given_with_c_are_members_of_the_fake_sentry_organization(engine, tmp_path):
    # The CLI's -c with --config-path replaces the whole list: both entries are given.
    primary = "primary: New Person <new.person@kitchen-kontrol-rehearsal.dev>"
    backup = "backup: Other Person <other.person@kitchen-kontrol-rehearsal.dev>"
    done = run_ops(
        *("engine", "--backend", str(tmp_path), "--values", "rehearsal", "--", "preview", "-s", "staging"),
        *("--config-path", "-c", f"kitchen-kontrol:oncallContacts[0]={primary}"),
        *("-c", f"kitchen-kontrol:oncallContacts[1]={backup}"),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "person@kitchen-kontrol-rehearsal.dev" not in done.stdout  # no "is not a member" error
    assert "Settings > Members" not in done.stdout


@pytest.mark.parametrize("words", [["config", "set"], ["config", "rm"], ["config", "set-all"]])
def test_a_config_change_ops_engine_would_drop_is_refused_with_the_ways_to_make_it(words, tmp_path):
    done = run_ops("engine", "--backend", str(tmp_path), "--", *words, "-s", "staging", "kitchen-kontrol:appPort", "1")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"error: `{' '.join(words)}` would change only this command's copy")
    for way in ("edit Pulumi.staging.yaml", "-c KEY=VALUE", "--values rehearsal", "--in-place"):
        assert way in done.stderr


def test_the_rehearsal_prints_the_clis_reason_for_a_refusal_in_text_and_json(engine, staging_rehearsal, capsys):
    from ops.rehearsal.rehearse_command import _print_step, json_report

    refused = next(s for s in staging_rehearsal.steps if s.name == "destroy refused by protect")
    assert refused.ok and refused.exit_code != 0
    assert "protect" in refused.reason and refused.reason.startswith('Preview failed: resource "urn:pulumi:staging::')
    _print_step(refused)
    assert f"       refused: {refused.reason}\n" in capsys.readouterr().out
    report = {s["name"]: s for s in json_report(engine, "staging", True, staging_rehearsal.steps, 1.0)["steps"]}
    assert report[refused.name]["reason"] == refused.reason
    assert report["up"]["reason"] is None
