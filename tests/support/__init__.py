"""Helpers and fakes the tests share, importable as ``tests.support.<module>`` (pytest puts the repository
root on ``sys.path``: ``pythonpath`` in pyproject.toml); fixtures stay in the conftests, tests import
only from here.

env: ROOT, and a missing tool as a skip locally, a failure in CI.  plan: throwaway projects and the
canary plan.  stack_config: config as the program receives it.  policy: the pack's cases and baselines.
commands: ``python -m ops``, make and workflow steps as subprocesses.  fake_cli, fake_gh: stand-in CLIs.
app_server, certs: a fake app on loopback and its certificates.  postgres: a real PostgreSQL.  secret_files:
Render's secret files materialised on this machine.
operations: a fresh clone's environment.  uptimerobot: the provider tests' helpers.  workflows: the
workflow files and their steps.
"""
