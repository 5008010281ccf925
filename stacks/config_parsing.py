"""A stack's raw config -> typed `Settings`: every bad key reported together, no value ever echoed."""

from __future__ import annotations

import difflib
import json
import re
from datetime import UTC, datetime
from typing import Any, Mapping, Optional

from pydantic import ValidationError

from components.rds_ca import BUNDLE_FILE_NAME, DEFAULT_CA_IDENTIFIER, bundle_has_root, root_common_name
from stacks.config_keys import KEYS, OTHER_KEYS
from stacks.guard import evaluate_window, is_production
from stacks.settings import PROJECT, Settings, stack_file
from stacks.stack_keys import provider_key_problems

_EXPECTED = {"int": "an integer", "bool": "true or false", "list": "a list", "str": "a string", "object": "an object"}


class ConfigError(Exception):
    """Invalid stack configuration; the message lists every bad key and never echoes a value."""


def parse_settings(
    stack: str, raw: Mapping[str, Any], config: Optional[Mapping[str, Any]] = None, now: Optional[datetime] = None
) -> Settings:
    """Build settings from the project's config, keyed without the namespace; values as Pulumi
    passes them to programs (strings, with lists/objects as JSON). `config`, the stack's whole config
    by full key (as the engine hands it to the program), has its keys outside the project's namespace
    checked against stacks/stack_keys.py in the same pass (`aws:region` required), so one error lists
    every problem. `now` (default: the clock) is what a restore's point in time and a production restore's
    window are judged at."""
    now = now or datetime.now(UTC)
    problems: dict[str, str] = {}
    aws_region = None
    if config is not None:
        problems.update(provider_key_problems(config, PROJECT, {*KEYS, *OTHER_KEYS}))
        region = config.get("aws:region")
        aws_region = region if isinstance(region, str) and region else None
        if aws_region and "aws:region" not in problems and (why := _ca_problem(aws_region)):
            problems["aws:region"] = why
    sections: dict[str, dict[str, Any]] = {declared.section: {} for declared in KEYS.values()}
    for key in sorted(raw):
        if key in OTHER_KEYS:
            continue
        if key not in KEYS:
            problems[key] = _unknown_key(key)
            continue
        declared = KEYS[key]
        empty = (declared.kind, raw[key]) in (("str", ""), ("object", "{}"), ("object", {}))
        if empty and declared.default in (None, "", {}):
            continue  # Pulumi.yaml declares the optional keys with default "" (an object's {}): unset
        # A key with a real default (appPreDeployCommand) keeps an explicit "": the model says what it means.
        try:
            sections[declared.section][key] = _coerce(raw[key], declared.kind)
        except ValueError:
            problems[key] = f"expected {_EXPECTED[declared.kind]}"
    try:
        settings = Settings.model_validate({"stack": stack, "aws_region": aws_region, **sections}, context={"now": now})
    except ValidationError as exc:
        for error in exc.errors(include_input=False, include_url=False):
            problems.setdefault(_key_for(error), _describe(error))
        settings = None
    if settings is not None and settings.database.restore and is_production(stack, raw.get("appNodeEnv")):
        window = evaluate_window(raw.get("releaseWindow"), now, stack)
        if not window.open:
            # A restore moves production's database: it is a release of its own, even in a preview.
            problems["dbRestore"] = f"a restore of a production stack needs an open release window ({window.reason})"
    if problems or settings is None:
        details = "; ".join(f"{_full_key(key)}: {why}" for key, why in sorted(problems.items(), key=_project_first))
        raise ConfigError(f"invalid configuration in {stack_file(stack)} (stack {stack!r}): {details}")
    return settings


def _ca_problem(region: str) -> str | None:
    """The app verifies the database against the RDS CA bundle it is given: a region whose root it lacks (one
    newer than the committed bundle, GovCloud, China) would build a database the app refuses."""
    root = root_common_name(DEFAULT_CA_IDENTIFIER, region)
    if bundle_has_root(root):
        return None
    return (
        f"the committed RDS CA bundle (components/data/{BUNDLE_FILE_NAME}) holds no {root!r}, so the app could not "
        "verify this region's database; add the region's CA (components/data/README.md)"
    )


def _full_key(key: str) -> str:
    """Project keys are held without their namespace, every other key (`aws:region`) with its own."""
    return key if ":" in key else f"{PROJECT}:{key}"


def _project_first(item: tuple[str, str]) -> tuple[bool, str]:
    return ":" in item[0], item[0]


def _unknown_key(key: str) -> str:
    """The closest known key, not the whole list (case slips and typos are the usual cause)."""
    known = sorted({*KEYS, *OTHER_KEYS})
    by_case = {k.lower(): k for k in known}
    guess = by_case.get(key.lower()) or next(iter(difflib.get_close_matches(key, known, n=1, cutoff=0.75)), None)
    if guess:
        return f"unknown key; did you mean {PROJECT}:{guess}?"
    return "unknown key; no known key is close (Pulumi.yaml's config block declares them)"


def _coerce(value: Any, kind: str) -> Any:
    if kind == "list" and isinstance(value, str):
        decoded = json.loads(value) if value.strip().startswith("[") else None
        if not isinstance(decoded, list) or not all(isinstance(v, str) for v in decoded):
            raise ValueError(kind)
        return tuple(decoded)
    if kind == "bool" and isinstance(value, str):
        if value not in ("true", "false"):
            raise ValueError(kind)
        return value == "true"
    if kind == "int" and isinstance(value, str):
        if not re.fullmatch(r"-?\d{1,9}", value):
            raise ValueError(kind)
        return int(value)
    if kind == "object" and isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError(kind) from None
    if kind == "object" and not isinstance(value, dict):
        raise ValueError(kind)
    if kind == "str" and not isinstance(value, str):
        raise ValueError(kind)
    return value


def _key_for(error: dict) -> str:
    loc = error["loc"]
    keyed = (error.get("ctx") or {}).get("key")
    if keyed:  # a check across fields says which key it is about
        return keyed
    if len(loc) >= 2 and loc[1] in KEYS:  # (section, key, index or field...): the models' aliases are the keys
        if KEYS[loc[1]].kind == "object":  # a field of an object key: slackAlerts.channelId
            return loc[1] + "".join(f".{part}" for part in loc[2:])
        return loc[1] + "".join(f"[{part}]" for part in loc[2:] if isinstance(part, int))
    return ".".join(str(part) for part in loc)


def _describe(error: dict) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind == "missing":
        return "required; set it in the stack file"
    if kind in ("greater_than_equal", "less_than_equal") or kind.startswith(("int_", "bool_")):
        return _bounds_message(error)
    if kind == "literal_error":
        return f"expected one of {context.get('expected')}"
    if kind == "string_pattern_mismatch":
        return f"expected a value matching {context.get('pattern')}"
    if kind in ("too_short", "too_long"):
        return f"expected between 1 and {context.get('max_length', 50)} entries"
    if kind == "value_error":
        return str(context.get("error", error["msg"]))
    return error["msg"]


def _bounds_message(error: dict) -> str:
    context = error.get("ctx") or {}
    if "ge" in context:
        return f"expected a value of at least {context['ge']}"
    if "le" in context:
        return f"expected a value of at most {context['le']}"
    return error["msg"]
