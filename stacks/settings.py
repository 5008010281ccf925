"""Typed stack settings: every `kitchen-kontrol:*` key validated once, all problems reported together."""

from __future__ import annotations

import difflib
import ipaddress
import json
import re
from typing import Annotated, Any, Literal, Mapping, Optional
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

PROJECT = "kitchen-kontrol"
# RFC 5737: fine for a preview, useless for a real database fence.
DOCUMENTATION_RANGES = tuple(
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)
_RESERVED_DOMAIN = re.compile(r"@(.+\.)?(example\.(com|net|org)|[^@]+\.(example|test|invalid))$")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class ConfigError(Exception):
    """Invalid stack configuration; the message lists every bad key and never echoes a value."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppSettings(_Model):
    repo: str = "https://github.com/rubyrayjuntos/kitchen-kontrol"
    branch: str = Field(default="main", pattern=r"^[A-Za-z0-9._/-]{1,100}$")
    build_command: str = Field(default="npm install && npm run build", min_length=1)
    start_command: str = Field(default="node server.js", min_length=1)
    port: int = Field(default=3002, ge=1, le=65535)
    health_path: str = Field(default="/api/health", pattern=r"^/[A-Za-z0-9._~/-]*$")
    node_env: Literal["development", "staging", "production"] = "staging"
    log_level: Literal["error", "warn", "info", "http", "verbose", "debug"] = "info"

    @field_validator("repo")
    @classmethod
    def _github_https(cls, value: str) -> str:
        parts = urlsplit(value)
        path = parts.path.removesuffix(".git").strip("/").split("/")
        if (
            parts.scheme != "https"
            or parts.hostname != "github.com"
            or parts.username is not None
            or parts.query
            or len(path) != 2
            or not all(re.fullmatch(r"[A-Za-z0-9._-]+", p) for p in path)
        ):
            raise ValueError("expected https://github.com/OWNER/REPO without credentials")
        return value


class RenderSettings(_Model):
    owner_id: Optional[str] = Field(default=None, pattern=r"^(usr|tea)-[a-z0-9]{10,40}$")
    region: Literal["frankfurt", "ohio", "oregon", "singapore", "virginia"] = "oregon"
    plan: Literal["starter", "standard", "pro", "pro_plus", "pro_max", "pro_ultra"] = "starter"
    instances: int = Field(default=1, ge=1, le=10)
    custom_domain: Optional[str] = None

    @field_validator("custom_domain")
    @classmethod
    def _hostname(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not _HOSTNAME.match(value):
            raise ValueError("expected a lowercase hostname such as staging.example.com")
        return value


def _shown(value: str) -> str:
    """An entry quoted in an error only when it is plainly an address (never a pasted secret)."""
    return value if re.fullmatch(r"[0-9A-Fa-f.:/]{1,49}", value) else "the entry"


def _client_cidr(value: str) -> str:
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        raise ValueError(
            f"{_shown(value)} is not a CIDR; expected one such as 203.0.113.7/32 (host bits zero)"
        ) from None
    if network.prefixlen < (16 if network.version == 4 else 32):
        raise ValueError(
            f"{_shown(value)} is too wide; expected narrow client ranges (IPv4 /16 or longer); "
            "0.0.0.0/0 is never allowed"
        )
    return value


# One entry of dbAllowedCidrs: validated on its own, so an error names its index.
ClientCidr = Annotated[str, AfterValidator(_client_cidr)]


class DatabaseSettings(_Model):
    engine_version: str = Field(default="16", pattern=r"^(13|14|15|16|17)(\.\d{1,2})?$")
    instance_class: str = Field(default="db.t4g.micro", pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$")
    allocated_storage: int = Field(default=20, ge=20, le=65536)
    max_allocated_storage: int = Field(default=50, ge=20, le=65536)
    backup_retention_days: int = Field(default=7, ge=7, le=35)
    name: str = Field(default="kitchen_kontrol_staging", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    username: str = Field(default="kk_admin", pattern=r"^[a-z_][a-z0-9_]{0,15}$")
    allowed_cidrs: tuple[ClientCidr, ...] = Field(min_length=1, max_length=50)
    deletion_protection: bool = True
    vpc_id: Optional[str] = Field(default=None, pattern=r"^vpc-[0-9a-f]{8,17}$")
    vpc_cidr: str = "10.42.0.0/16"

    @field_validator("allowed_cidrs")
    @classmethod
    def _cidrs_once(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        first: dict[str, int] = {}
        for index, value in enumerate(values):
            if value in first:
                raise ValueError(f"expected each CIDR once; [{index}] repeats [{first[value]}]")
            first[value] = index
        return values

    @field_validator("username")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in {"rdsadmin", "rds_superuser", "postgres"}:
            raise ValueError("expected a name that is not reserved by RDS")
        return value

    @field_validator("vpc_cidr")
    @classmethod
    def _private_cidr(cls, value: str) -> str:
        try:
            network = ipaddress.ip_network(value, strict=True)
        except ValueError:
            raise ValueError("expected a private IPv4 CIDR between /16 and /24") from None
        if network.version != 4 or not network.is_private or not 16 <= network.prefixlen <= 24:
            raise ValueError("expected a private IPv4 CIDR between /16 and /24")
        return value

    @model_validator(mode="after")
    def _storage_ceiling(self) -> DatabaseSettings:
        if self.max_allocated_storage < self.allocated_storage:
            raise _keyed("dbMaxAllocatedStorage", f"expected at least {PROJECT}:dbAllocatedStorage")
        return self

    @model_validator(mode="after")
    def _one_network(self) -> DatabaseSettings:
        if self.vpc_id is not None and "vpc_cidr" in self.model_fields_set:
            raise _keyed(
                "dbVpcCidr", f"only used for the dedicated VPC; remove it, or remove {PROJECT}:dbVpcId to get that VPC"
            )
        return self

    def documentation_cidrs(self) -> list[str]:
        return [c for c in self.allowed_cidrs if any(ipaddress.ip_network(c).subnet_of(r) for r in _same_family(c))]


def _keyed(key: str, reason: str) -> PydanticCustomError:
    """A check across fields, naming the config key the user should change."""
    return PydanticCustomError("config_key", "{reason}", {"key": key, "reason": reason})


def _same_family(cidr: str):
    version = ipaddress.ip_network(cidr).version
    return [r for r in DOCUMENTATION_RANGES if r.version == version]


_CONTACT = re.compile(r"^(?P<role>[a-z]+):\s*(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+)>$")
_EMAIL = re.compile(
    r"^(?=.{3,254}$)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
CONTACT_ROLES = ("primary", "backup")


class Contact(_Model):
    role: Literal["primary", "backup"]
    name: str = Field(min_length=1, max_length=100)
    email: str

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        """`primary: Jane Doe <jane@example.com>` -> fields; a bad entry fails on its own index."""
        if not isinstance(value, str):
            return value
        match = _CONTACT.match(value)
        if not match or match["role"] not in CONTACT_ROLES or not _EMAIL.match(match["email"]):
            raise ValueError('expected entries like "primary: Jane Doe <jane@example.com>" (role primary or backup)')
        return {"role": match["role"], "name": match["name"], "email": match["email"].lower()}


# "15m: primary", "30m: backup", "1h: Jane Doe <jane@example.com>": who is paged at each level and
# the minutes after an alert by which that level must have responded before the next one is paged.
_ESCALATION = re.compile(r"^(?P<time>\d{1,4})(?P<unit>m|h)\s*:\s*(?P<who>.+?)\s*$")
_PERSON = re.compile(r"^(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+)>$")
ESCALATION_FORMAT = '"15m: primary", "30m: backup" or "1h: Jane Doe <jane@example.com>"'


class EscalationLevel(_Model):
    """One escalation level: the on-call people of a role, or one named person."""

    response_minutes: int = Field(ge=1, le=10080)
    oncall_role: Optional[Literal["primary", "backup"]] = None
    name: Optional[str] = Field(default=None, min_length=1, max_length=100)
    email: Optional[str] = None


DEFAULT_ESCALATION = (EscalationLevel(response_minutes=15, oncall_role="primary"),)


class MonitoringSettings(_Model):
    sentry_organization: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,49}$")
    # Prefix of the environment's own team, `<sentryTeam>-<stack>` (Sentry slugs end at 50 chars).
    sentry_team: str = Field(default="kitchen-kontrol", pattern=r"^[a-z0-9][a-z0-9_-]{0,29}$")
    uptime_interval_seconds: int = Field(default=300, ge=60, le=86400)
    uptime_failure_threshold: int = Field(default=2, ge=1, le=10)
    alarm_cpu_percent: int = Field(default=80, ge=1, le=100)
    alarm_free_storage_gib: int = Field(default=2, ge=1, le=1000)
    alarm_connections: int = Field(default=60, ge=1, le=5000)
    contacts: tuple[Contact, ...] = Field(max_length=20)  # empty: "at least one primary"

    @field_validator("contacts")
    @classmethod
    def _one_list(cls, contacts: tuple[Contact, ...]) -> tuple[Contact, ...]:
        first: dict[str, int] = {}
        for index, contact in enumerate(contacts):
            if contact.email in first:
                raise ValueError(f"expected each email once; [{index}] repeats [{first[contact.email]}]")
            first[contact.email] = index
        if not any(c.role == "primary" for c in contacts):
            raise ValueError("expected at least one primary contact")
        return contacts

    @property
    def emails(self) -> list[str]:
        return [contact.email for contact in self.contacts]

    # After `contacts`, so its validator can check the roles it names against the on-call list.
    escalation: tuple[EscalationLevel, ...] = Field(default=DEFAULT_ESCALATION, min_length=1, max_length=10)

    @field_validator("escalation", mode="before")
    @classmethod
    def _parse_escalation(cls, values: Any) -> Any:
        if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
            return values
        parsed = []
        for value in values:
            match = _ESCALATION.match(value)
            person = _PERSON.match(match["who"]) if match else None
            if not match or not (match["who"] in CONTACT_ROLES or (person and _EMAIL.match(person["email"]))):
                raise ValueError(f"expected entries like {ESCALATION_FORMAT}")
            minutes = int(match["time"]) * (60 if match["unit"] == "h" else 1)
            if person:
                parsed.append({"response_minutes": minutes, "name": person["name"], "email": person["email"].lower()})
            else:
                parsed.append({"response_minutes": minutes, "oncall_role": match["who"]})
        times = [level["response_minutes"] for level in parsed]
        if times != sorted(set(times)):  # strictly increasing
            raise ValueError("expected response times that increase from one level to the next")
        return parsed

    @field_validator("escalation")
    @classmethod
    def _roles_on_call(cls, levels: tuple[EscalationLevel, ...], info) -> tuple[EscalationLevel, ...]:
        contacts = info.data.get("contacts")
        if contacts is None:  # the contacts are invalid and reported on their own key
            return levels
        roles = {contact.role for contact in contacts}
        for level in levels:
            if level.oncall_role and level.oncall_role not in roles:
                raise ValueError(f"names the {level.oncall_role} on-call, but {PROJECT}:oncallContacts has none")
        return levels


class Settings(_Model):
    stack: str
    app: AppSettings
    render: RenderSettings
    database: DatabaseSettings
    monitoring: MonitoringSettings

    @property
    def tags(self) -> dict[str, str]:
        return {"project": PROJECT, "environment": self.stack, "managed-by": "pulumi"}

    @property
    def resource_prefix(self) -> str:
        return f"kitchen-kontrol-{self.stack}"

    def unfinished(self) -> list[str]:
        """Values that preview fine but would build something useless: documentation CIDRs and
        reserved example domains (RFC 2606) that must be replaced before an update."""
        problems = []
        documentation = self.database.documentation_cidrs()
        if documentation:
            problems.append(
                f"{PROJECT}:dbAllowedCidrs holds documentation ranges ({', '.join(documentation)}): "
                "set Render's outbound IPs"
            )
        examples = [e for e in self.monitoring.emails if _RESERVED_DOMAIN.search(e)]
        if examples:
            problems.append(
                f"{PROJECT}:oncallContacts holds {len(examples)} address(es) at reserved example domains: "
                "set the real on-call people"
            )
        return problems


# Flat config key -> (section, field, kind). Flat keys because the project schema cannot type objects.
KEYS: dict[str, tuple[str, str, str]] = {
    "appRepo": ("app", "repo", "str"),
    "appBranch": ("app", "branch", "str"),
    "appBuildCommand": ("app", "build_command", "str"),
    "appStartCommand": ("app", "start_command", "str"),
    "appPort": ("app", "port", "int"),
    "appHealthPath": ("app", "health_path", "str"),
    "appNodeEnv": ("app", "node_env", "str"),
    "appLogLevel": ("app", "log_level", "str"),
    "renderOwnerId": ("render", "owner_id", "str"),
    "renderRegion": ("render", "region", "str"),
    "renderPlan": ("render", "plan", "str"),
    "renderInstances": ("render", "instances", "int"),
    "renderCustomDomain": ("render", "custom_domain", "str"),
    "dbEngineVersion": ("database", "engine_version", "str"),
    "dbInstanceClass": ("database", "instance_class", "str"),
    "dbAllocatedStorage": ("database", "allocated_storage", "int"),
    "dbMaxAllocatedStorage": ("database", "max_allocated_storage", "int"),
    "dbBackupRetentionDays": ("database", "backup_retention_days", "int"),
    "dbName": ("database", "name", "str"),
    "dbUsername": ("database", "username", "str"),
    "dbAllowedCidrs": ("database", "allowed_cidrs", "list"),
    "dbDeletionProtection": ("database", "deletion_protection", "bool"),
    "dbVpcId": ("database", "vpc_id", "str"),
    "dbVpcCidr": ("database", "vpc_cidr", "str"),
    "sentryOrganization": ("monitoring", "sentry_organization", "str"),
    "sentryTeam": ("monitoring", "sentry_team", "str"),
    "uptimeIntervalSeconds": ("monitoring", "uptime_interval_seconds", "int"),
    "uptimeFailureThreshold": ("monitoring", "uptime_failure_threshold", "int"),
    "alarmCpuPercent": ("monitoring", "alarm_cpu_percent", "int"),
    "alarmFreeStorageGib": ("monitoring", "alarm_free_storage_gib", "int"),
    "alarmConnections": ("monitoring", "alarm_connections", "int"),
    "oncallContacts": ("monitoring", "contacts", "list"),
    "escalationLevels": ("monitoring", "escalation", "list"),
}
# Keys read elsewhere (stacks/guard.py), known so they are not reported as unknown.
OTHER_KEYS = frozenset({"releaseWindow"})
_FIELD_TO_KEY = {(section, name): key for key, (section, name, _) in KEYS.items()}
_EXPECTED = {"int": "an integer", "bool": "true or false", "list": "a list", "str": "a string"}


def stack_file(stack: str) -> str:
    return f"Pulumi.{stack}.yaml"


def parse_settings(stack: str, raw: Mapping[str, Any], aws_region: Optional[str] = None) -> Settings:
    """Build settings from the project's config, keyed without the namespace; values as Pulumi
    passes them to programs (strings, with lists/objects as JSON). `aws_region` (the provider's
    `aws:region`, when set) is checked in the same pass, so one error lists every problem."""
    problems: dict[str, str] = {}
    if aws_region is not None:
        from stacks.aws_regions import region_problem

        why = region_problem(aws_region)
        if why:
            problems["aws:region"] = why
    sections: dict[str, dict[str, Any]] = {"app": {}, "render": {}, "database": {}, "monitoring": {}}
    for key in sorted(raw):
        if key in OTHER_KEYS:
            continue
        if key not in KEYS:
            problems[key] = _unknown_key(key)
            continue
        section, name, kind = KEYS[key]
        if kind == "str" and raw[key] == "":
            continue  # Pulumi.yaml declares the optional keys with default "": unset
        try:
            sections[section][name] = _coerce(raw[key], kind)
        except ValueError:
            problems[key] = f"expected {_EXPECTED[kind]}"
    try:
        settings = Settings(stack=stack, **sections)
    except ValidationError as exc:
        for error in exc.errors(include_input=False, include_url=False):
            problems.setdefault(_key_for(error), _describe(error))
        settings = None
    if problems or settings is None:
        details = "; ".join(f"{_full_key(key)}: {why}" for key, why in sorted(problems.items(), key=_project_first))
        raise ConfigError(f"invalid configuration in {stack_file(stack)} (stack {stack!r}): {details}")
    return settings


def _full_key(key: str) -> str:
    return key if key.startswith("aws:") else f"{PROJECT}:{key}"


def _project_first(item: tuple[str, str]) -> tuple[bool, str]:
    return item[0].startswith("aws:"), item[0]


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
    if kind == "str" and not isinstance(value, str):
        raise ValueError(kind)
    return value


def _key_for(error: dict) -> str:
    loc = error["loc"]
    keyed = (error.get("ctx") or {}).get("key")
    if keyed:  # a check across fields says which key it is about
        return keyed
    if len(loc) >= 2 and (loc[0], loc[1]) in _FIELD_TO_KEY:
        key = _FIELD_TO_KEY[(loc[0], loc[1])]
        return key + "".join(f"[{part}]" for part in loc[2:] if isinstance(part, int))
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
