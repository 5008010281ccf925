"""The dress rehearsal: a stack's whole lifecycle through the real CLI, on a throwaway copy.

Staging: preview with the policy pack, up, a second preview that must show no change, and a
destroy that `protect` must refuse. Production: the preview passes (with its warnings), and an
update is refused before any resource exists in the state, first by the program (no release
window in the stack config), then by the policy pack (the program's window open, the pack's not);
then both keys are opened, the update runs, and plain, `--exclude-protected` and `--target`
destroys delete nothing (ops/rehearsal/production_release.py).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ops.rehearsal.apis import LocalApis, SavedApis, local_apis
from ops.rehearsal.engine import Engine, EngineSession, Step
from ops.rehearsal.production_release import release_steps
from ops.rehearsal.restore import restore_steps
from ops.shared.project import ROOT
from stacks.guard import is_production

# Stand-ins for the values the committed stack files leave to the team (documentation CIDRs,
# example.com contacts), set in the temporary copy only, through `pulumi config set-all --path`.
REHEARSAL_VALUES: dict[str, list[str]] = {
    "dbAllowedCidrs": ["100.64.0.0/28", "100.64.0.16/28"],
    "oncallContacts": [
        "primary: Rehearsal On-call <oncall@kitchen-kontrol-rehearsal.dev>",
        "backup: Rehearsal Ops <ops@kitchen-kontrol-rehearsal.dev>",
    ],
}
# Copied into the throwaway project: what the program, the pack and the stand-ins need.
COPIED = ("Pulumi.yaml", "__main__.py", "requirements.txt", "stacks", "components", "policies", "ops")
IGNORED = shutil.ignore_patterns("__pycache__", "venv", ".venv", "*.pyc")
# Top-level keys of a stack file that tie it to one backend's secrets provider.
SECRETS_SETTINGS = ("secretsprovider", "encryptedkey", "encryptionsalt")
PROTECTED_TYPES = ("aws:rds/instance:Instance", "render:services:WebService")
PROGRAM_REFUSAL = "kitchen-kontrol:releaseWindow: no release window is set"
PACK_REFUSAL = re.compile(r"\[mandatory\].*stop-before-production")
_DOCUMENTED_SET = re.compile(r"^\s*#\s*(pulumi config set --path .*releaseWindow\..*)$", re.MULTILINE)

Check = Callable[["Rehearsal", Step], list[str]]


@dataclass
class Planned:
    step: Step
    check: Check | None = None


def without_secrets_settings(text: str) -> str:
    """A stack file's text without the top-level keys that tie it to a backend's secrets (what a real
    `pulumi stack init` wrote into the working tree): a throwaway copy's backend sets its own."""
    kept = [line for line in text.splitlines() if line.split(":", 1)[0].strip() not in SECRETS_SETTINGS]
    return "\n".join(kept) + "\n"


def copy_project(destination: Path, stack: str, root: Path = ROOT) -> Path:
    """The project at `root` copied for one rehearsal. The stack file loses the secrets settings a real
    `pulumi stack init` wrote into it (another backend's salt or KMS key): the throwaway backend sets its own."""
    project = destination / "project"
    project.mkdir(parents=True)
    for name in COPIED:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=IGNORED)
        elif source.exists():
            shutil.copy2(source, project / name)
    stack_file = f"Pulumi.{stack}.yaml"
    (project / stack_file).write_text(without_secrets_settings((root / stack_file).read_text()))
    return project


def documented_window_commands(stack_file: Path, opens: datetime, closes: datetime) -> list[list[str]]:
    """The `pulumi config set --path … releaseWindow.…` lines documented in the stack file, with
    the window's timestamps replaced by ones around now."""
    commands = []
    for line in _DOCUMENTED_SET.findall(stack_file.read_text()):
        args = shlex.split(line)[1:]
        key = args[-2].split(".")[-1]
        if key == "notBefore":
            args[-1] = opens.isoformat()
        elif key == "notAfter":
            args[-1] = closes.isoformat()
        commands.append(args)
    return commands


class Rehearsal:
    def __init__(
        self,
        engine: Engine,
        stack: str,
        workdir: Path,
        api_env: dict[str, str],
        root: Path = ROOT,
        *,
        copy_of: Rehearsal | None = None,
    ):
        """A rehearsal of `stack` in `workdir`; `copy_of`: another one's project and backend copied as they are now
        (its deployed stack, its steps), for a look that must not change it (its fakes: SavedApis)."""
        self.stack = stack
        self.steps: list[Step] = []
        self.expected = 0
        self.after_update: list[str] = []
        self.first_update: list[str] = []  # what the first `up` made, before any later step changed the config
        self.pending_targets: list[Step] = []  # steps that get `--target URN` once the update made it
        if copy_of is None:
            self.project = copy_project(workdir, stack, root)
            (self.project / ".venv").symlink_to((ROOT / ".venv").resolve(), target_is_directory=True)
            self.session = EngineSession(
                engine=engine, project=self.project, backend=workdir / "backend", api_env=api_env
            )
            return
        self.project = shutil.copytree(copy_of.project, workdir / "project", symlinks=True)
        backend = shutil.copytree(copy_of.session.backend, workdir / "backend", symlinks=True)
        self.session = EngineSession(
            engine=engine, project=self.project, backend=backend, api_env=api_env, passphrase=copy_of.session.passphrase
        )
        self.steps, self.expected = list(copy_of.steps), copy_of.expected
        self.after_update, self.first_update = list(copy_of.after_update), list(copy_of.first_update)

    @property
    def succeeded(self) -> bool:
        """Every planned step ran, each as expected."""
        return len(self.steps) == self.expected and all(step.ok for step in self.steps)

    # -- what the state holds -----------------------------------------------------------------------
    def state_resources(self) -> list[dict]:
        code, output, _ = self.session.run(["stack", "export", "-s", self.stack])
        if code != 0:
            return []
        return json.loads(output).get("deployment", {}).get("resources") or []

    def declared(self) -> list[str]:
        """Types in the state other than the stack itself and its providers."""
        return [
            r["type"]
            for r in self.state_resources()
            if r["type"] != "pulumi:pulumi:Stack" and not r["type"].startswith("pulumi:providers:")
        ]

    # -- the steps ------------------------------------------------------------------------------------
    def policy_flags(self) -> list[str]:
        return ["--policy-pack", "policies", "--policy-pack-config", f"policies/config.{self.stack}.json"]

    def setup(self) -> list[Planned]:
        """`stack init`, then every rehearsal value in one `config set-all` (one CLI start, not one per value)."""
        values = [
            f"{key}[{index}]={value}" for key, items in REHEARSAL_VALUES.items() for index, value in enumerate(items)
        ]
        args = ["config", "set-all", "--path", "-s", self.stack, *(a for pair in values for a in ("--plaintext", pair))]
        return [
            Planned(Step("stack init", ["stack", "init", self.stack, "--secrets-provider", "passphrase"])),
            Planned(Step("config set-all (rehearsal values)", args)),
        ]

    def staging(self) -> list[Planned]:
        s = ["-s", self.stack]
        return [
            *self.setup(),
            Planned(Step("preview", ["preview", *s, *self.policy_flags()])),
            Planned(Step("up", ["up", *s, "--yes", "--skip-preview", *self.policy_flags()]), _created_protected),
            Planned(Step("preview --expect-no-changes", ["preview", *s, "--expect-no-changes", *self.policy_flags()])),
            Planned(
                Step("destroy refused by protect", ["destroy", *s, "--yes"], expect_success=False),
                _protected_survive,
            ),
            *(Planned(step, check) for step, check in restore_steps(self)),
        ]

    def production(self) -> list[Planned]:
        """Both keys, each shown on its own: the engine runs the pack's resource policy on the Stack
        resource before the program's code, so with no window at all the pack refuses first."""
        s = ["-s", self.stack]
        now = datetime.now(UTC).replace(microsecond=0)
        opens, closes = now - timedelta(minutes=5), now + timedelta(minutes=55)
        window = [
            Planned(Step(f"config set {args[-2]}", args))
            for args in documented_window_commands(self.project / f"Pulumi.{self.stack}.yaml", opens, closes)
        ]
        if not window:
            missing = Step("documented release-window commands", [])
            missing.notes.append(f"Pulumi.{self.stack}.yaml documents no `pulumi config set --path … releaseWindow.…`")
            window = [Planned(missing)]
        pack_open = self.write_pack_window(opens, closes)
        up = ["up", *s, "--yes", "--skip-preview"]
        release = release_steps(self, pack_open)
        self.pending_targets = [step for step, _ in release if "--target" in step.name]
        return [
            *self.setup(),
            Planned(Step("preview", ["preview", *s, *self.policy_flags()]), _says_apply_blocked),
            Planned(Step("up refused: no window open", [*up, *self.policy_flags()], False), _refused_by_pack),
            Planned(
                Step(
                    "up refused by the program",
                    [*up, "--policy-pack", "policies", "--policy-pack-config", pack_open],
                    False,
                ),
                _refused_by_program,
            ),
            *window,
            Planned(Step("up refused by the policy pack", [*up, *self.policy_flags()], False), _refused_by_pack),
            *(Planned(step, check) for step, check in release),
        ]

    def write_pack_window(self, opens: datetime, closes: datetime) -> str:
        """A copy of the stack's policy config with the policy owners' window open (their key only)."""
        source = self.project / "policies" / f"config.{self.stack}.json"
        config = json.loads(source.read_text())
        config.setdefault("stop-before-production", {})["releaseWindow"] = {
            "stack": self.stack,
            "approvedBy": "Rehearsal",
            "changeReference": "REHEARSAL",
            "notBefore": opens.isoformat(),
            "notAfter": closes.isoformat(),
        }
        target = source.with_name(f"config.{self.stack}.rehearsal-window.json")
        target.write_text(json.dumps(config, indent=2))
        return str(target.relative_to(self.project))

    def run(self, on_step: Callable[[Step], None] = lambda _s: None, until: str | None = None) -> list[Step]:
        """Every step in order, stopping at the first unexpected result, or after the step named `until`."""
        planned = self.production() if is_production(self.stack) else self.staging()
        if until is not None:
            planned = planned[: [item.step.name for item in planned].index(until) + 1]
        self.expected = len(planned)
        for item in planned:
            step = item.step
            if step.args:
                self.session.run_step(step)
                if step.ok and item.check:
                    step.notes.extend(item.check(self, step))
                    step.ok = not step.notes
            self.steps.append(step)
            on_step(step)
            if not step.ok:
                break
        return self.steps


def _created_protected(rehearsal: Rehearsal, step: Step) -> list[str]:
    rehearsal.after_update = rehearsal.first_update = rehearsal.declared()
    missing = [t for t in PROTECTED_TYPES if t not in rehearsal.after_update]
    return [f"the state holds no {t} after the update" for t in missing]


def _protected_survive(rehearsal: Rehearsal, step: Step) -> list[str]:
    problems = []
    if "protect" not in step.output:
        problems.append("the destroy failed, but not because of `protect`")
    # The destroy's preview meets the protected resources first, so nothing at all is deleted.
    remaining = rehearsal.declared()
    if sorted(remaining) != sorted(rehearsal.after_update):
        problems.append(f"the destroy deleted {len(rehearsal.after_update) - len(remaining)} resource(s)")
    return problems


def _says_apply_blocked(rehearsal: Rehearsal, step: Step) -> list[str]:
    return [] if "apply is blocked" in step.output else ["the preview does not say that the apply is blocked"]


def _nothing_declared(rehearsal: Rehearsal) -> list[str]:
    declared = rehearsal.declared()
    if not declared:
        return []
    return [f"the state holds {len(declared)} resource(s) after a refused update: {', '.join(declared)}"]


def _refused_by_program(rehearsal: Rehearsal, step: Step) -> list[str]:
    problems = []
    if PROGRAM_REFUSAL not in step.output:
        problems.append("the update failed, but not on the program's release window")
    if PACK_REFUSAL.search(step.output):
        problems.append("the policy pack refused although its window is open")
    return problems + _nothing_declared(rehearsal)


def _refused_by_pack(rehearsal: Rehearsal, step: Step) -> list[str]:
    problems = [] if PACK_REFUSAL.search(step.output) else ["the update failed, but not on the policy pack's window"]
    return problems + _nothing_declared(rehearsal)


@contextmanager
def copied(rehearsal: Rehearsal, saved: SavedApis, workdir: Path) -> Iterator[tuple[Rehearsal, LocalApis]]:
    """A copy of `rehearsal`'s deployed stack in `workdir`, with fakes (ports and keys of their own) holding what
    its fakes held when they were `saved`: a scenario on it changes neither the original nor its fakes."""
    with local_apis(rehearsal.stack, [], holding=saved) as apis:
        yield Rehearsal(rehearsal.session.engine, rehearsal.stack, workdir, apis.env, copy_of=rehearsal), apis


@contextmanager
def workdir(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        if any(keep.iterdir()):
            from ops.shared.errors import UsageError

            raise UsageError(f"--keep {keep}: expected an empty or new directory")
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="kk-rehearsal-") as tmp:
        yield Path(tmp)


def elapsed(started: float) -> float:
    return time.monotonic() - started
