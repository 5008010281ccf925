"""Where `ops engine` runs the CLI, and what makes a stack production to it.

The CLI writes the stack file it works on: `stack init` adds `encryptionsalt:` and rewrites every number as a
string, `config set` rewrites it by design. So `ops engine` runs in a copy of the working tree kept beside its
backend, copied afresh before every command; only the secrets settings the CLI wrote into the copy's stack
files are carried from one command to the next (the backend's stacks need them); the working tree's own
(a real stack's `encryptionsalt` or `secretsprovider`/`encryptedkey`) are left out of the copy. `--in-place`
runs in the working tree itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ops.rehearsal.lifecycle import COPIED, IGNORED, SECRETS_SETTINGS, without_secrets_settings
from ops.shared.errors import UsageError
from ops.shared.project import ROOT, load_yaml, project_name
from stacks.guard import is_production


def secrets_settings(stack_file: Path) -> dict[str, str]:
    """The secrets-provider keys a stack file carries, e.g. {"encryptionsalt": "v1:…"}."""
    data = _stack_file(stack_file)
    return {key: str(data[key]) for key in SECRETS_SETTINGS if data.get(key)}


def production_reason(stack: str, stack_file: Path, root: Path = ROOT) -> str | None:
    """Why `stack` is production, if it is: its name, or the value of appNodeEnv in the stack file the CLI
    would read for it (a stack called `live` holding production's values is production)."""
    name = stack.rsplit("/", 1)[-1]  # org/project/stack
    if is_production(name):
        return f"{name!r} is a production stack name"
    config = _stack_file(stack_file).get("config") or {}
    key = f"{project_name(root)}:appNodeEnv"
    node_env = config.get(key, config.get("appNodeEnv")) if isinstance(config, dict) else None
    if is_production(name, node_env):  # the program's own test: " Production " is production too
        return f"{stack_file.name} sets {key}: {node_env.strip()}"
    return None


def refresh_copy(project: Path, root: Path = ROOT) -> Path:
    """`project` made a fresh copy of the working tree at `root`, keeping the secrets settings the CLI wrote
    into its stack files before."""
    kept = {path.name: secrets_settings(path) for path in project.glob("Pulumi.*.yaml")} if project.is_dir() else {}
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    for name in COPIED:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=IGNORED)
        elif source.exists():
            shutil.copy2(source, project / name)
    for stack_file in root.glob("Pulumi.*.yaml"):
        # The working tree's own secrets settings (a real stack's) never reach the copy: its backend has its own.
        text = without_secrets_settings(stack_file.read_text())
        settings = kept.get(stack_file.name) or {}
        text = "".join(f"{key}: {value}\n" for key, value in settings.items()) + text
        (project / stack_file.name).write_text(text)
    venv = root / ".venv"
    if venv.exists():
        (project / ".venv").symlink_to(venv.resolve(), target_is_directory=True)
    return project


def apply_values(stack_file: Path, values: dict[str, list[str]]) -> None:
    """Set `values` (project keys without their namespace) in a copy's stack file, e.g. the rehearsal's
    stand-ins for the documentation CIDRs and example contacts. The copy is rewritten without its comments."""
    import yaml

    data = _stack_file(stack_file)
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    namespace = project_name(stack_file.parent)
    data["config"] = {**config, **{f"{namespace}:{key}": list(value) for key, value in values.items()}}
    stack_file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def contacts_in(stack_file: Path) -> list[str]:
    """The on-call contacts a stack file names ("role: Name <email>"), [] when it names none."""
    config = _stack_file(stack_file).get("config") or {}
    contacts = config.get(f"{project_name(stack_file.parent)}:oncallContacts") if isinstance(config, dict) else None
    return [str(c) for c in contacts] if isinstance(contacts, list) else []


def _stack_file(path: Path) -> dict:
    try:
        data = load_yaml(path.read_text()) if path.is_file() else {}
    except Exception:  # noqa: BLE001 - any unreadable file: the CLI will say what is wrong with it
        raise UsageError(f"{path.name}: not a readable stack file") from None
    return data if isinstance(data, dict) else {}
