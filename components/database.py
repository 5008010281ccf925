"""PostgresDatabase: RDS PostgreSQL with the secure defaults of terraform-aws-rds, reachable from Render.

Backup and restore as code: `snapshots` are manual snapshots (aws.rds.Snapshot, kept on delete), `restore`
declares a new instance restored from a point in time or a snapshot, with the same secure defaults, and
makes it the one the outputs (connection URL, identifier) follow; the instance it replaces and any in
`retired` stay declared as components/restore.py says.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence
from urllib.parse import quote

import pulumi
import pulumi_random as random
from pulumi_aws import ec2, rds, vpc

from components import TOKEN_PREFIX
from components.network import DatabaseNetwork, DatabaseNetworkArgs
from components.rds_ca import DEFAULT_CA_IDENTIFIER, bundle_has_root, root_common_name
from components.restore import DatabaseRestoreSpec, DeclaredInstance, declared_instances
from components.rules import (
    DEFAULT_VPC_CIDR,
    POSTGRES_NAME_PATTERN,
    RDS_MASTER_USERNAME_PATTERN,
    RDS_RESERVED_USERNAMES,
    client_cidr_problem,
)

POSTGRES_PORT = 5432
# RDS rejects "/", "@", '"' and spaces in master passwords; every other character here is
# percent-encoded in the connection URL (tests/test_database_url_live.py proves it on a real server).
PASSWORD_SPECIALS = "!#$%&*()-_=+[]{}<>:?"  # noqa: S105 - the alphabet, not a password
PASSWORD_LENGTH = 32
MIN_BACKUP_RETENTION_DAYS = 7
LOG_EXPORTS = ("postgresql", "upgrade")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
_CA_FILE_PATH = re.compile(r"^[A-Za-z0-9._/-]+$")
_SNAPSHOT_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# What a restore sets once: AWS reads them at create only. An instance that is no longer the restore's
# target keeps them from its creation instead of being replaced.
RESTORE_INPUTS = ["restoreToPointInTime", "snapshotIdentifier"]


@dataclass(frozen=True, kw_only=True)
class PostgresDatabaseArgs:
    identifier: str
    db_name: str
    username: str
    allowed_cidrs: Sequence[str]
    engine_version: str = "16"
    instance_class: str = "db.t4g.micro"
    allocated_storage: int = 20
    max_allocated_storage: int = 50
    backup_retention_days: int = MIN_BACKUP_RETENTION_DAYS
    deletion_protection: bool = True
    vpc_id: Optional[str] = None
    vpc_cidr: str = DEFAULT_VPC_CIDR
    tags: Mapping[str, str] = field(default_factory=dict)
    snapshots: Sequence[str] = ()
    restore: Optional[DatabaseRestoreSpec] = None
    retired: Mapping[str, str] = field(default_factory=dict)  # identifier -> keep | unprotect | release
    # The CA RDS issues the instance's certificate from, and where the app reads the CA bundle naming its root
    # (`sslrootcert`: the Render secret file); `region` (aws:region) selects the root the bundle must hold.
    ca_cert_identifier: str = DEFAULT_CA_IDENTIFIER
    ca_file_path: str
    region: Optional[str] = None

    def __post_init__(self) -> None:
        problems = []
        problems.extend(
            f"snapshots[{index}]: expected lowercase letters, digits and single hyphens"
            for index, name in enumerate(self.snapshots)
            if not _SNAPSHOT_NAME.match(name) or len(f"{self.identifier}-{name}") > 255
        )
        try:
            declared_instances(self.identifier, self.restore, self.retired)
        except ValueError as exc:
            problems.append(str(exc))
        if not self.ca_file_path.startswith("/") or not _CA_FILE_PATH.match(self.ca_file_path):
            problems.append("ca_file_path: expected an absolute path of letters, digits, . _ - and /")
        try:
            root = root_common_name(self.ca_cert_identifier, self.region or "")
        except ValueError as exc:
            problems.append(str(exc))
        else:
            if self.region is not None and not bundle_has_root(root):
                problems.append(f"region: the RDS CA bundle holds no {root!r}")
        if not _IDENTIFIER.match(self.identifier) or self.identifier.endswith("-") or "--" in self.identifier:
            problems.append("identifier: expected lowercase letters, digits and single hyphens")
        if not re.match(POSTGRES_NAME_PATTERN, self.db_name):
            problems.append("db_name: expected a lowercase PostgreSQL identifier")
        if not re.match(RDS_MASTER_USERNAME_PATTERN, self.username) or self.username in RDS_RESERVED_USERNAMES:
            problems.append("username: expected a lowercase name of at most 16 characters that RDS does not reserve")
        if self.backup_retention_days < MIN_BACKUP_RETENTION_DAYS:
            problems.append(f"backup_retention_days: expected at least {MIN_BACKUP_RETENTION_DAYS}")
        if self.max_allocated_storage < self.allocated_storage:
            problems.append("max_allocated_storage: expected at least allocated_storage")
        if not self.allowed_cidrs:
            problems.append("allowed_cidrs: expected at least one CIDR")
        problems.extend(
            f"allowed_cidrs[{index}]: {problem}"
            for index, problem in enumerate(map(client_cidr_problem, self.allowed_cidrs))
            if problem
        )
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def parameter_group_family(self) -> str:
        return f"postgres{self.engine_version.split('.')[0]}"


def postgres_url(username: str, password: str, host: str, port: int, db_name: str, ca_file: str) -> str:
    """A URL that talks to the server only over TLS, with its certificate verified against `ca_file` and its name
    checked (`verify-full`), read the same way by libpq (psql) and by node-postgres (pg-connection-string 2.9:
    `sslrootcert` becomes the connection's `ca`). Never `require`: node-postgres reads it as verify-full against
    Node's own CAs, which do not include Amazon RDS's, and libpq reads it as "encrypt, verify nothing"."""
    credentials = f"{quote(username, safe='')}:{quote(password, safe='')}"
    query = f"sslmode=verify-full&sslrootcert={quote(ca_file, safe='/')}"
    return f"postgresql://{credentials}@{host}:{int(port)}/{quote(db_name, safe='')}?{query}"


class PostgresDatabase(pulumi.ComponentResource):
    address: pulumi.Output[str]
    port: pulumi.Output[int]
    endpoint: pulumi.Output[str]
    identifier: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    connection_url: pulumi.Output[str]

    def __init__(self, name: str, args: PostgresDatabaseArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(f"{TOKEN_PREFIX}PostgresDatabase", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        if args.vpc_id:
            vpc_id: pulumi.Input[str] = args.vpc_id
            subnet_ids = ec2.get_subnets_output(
                filters=[ec2.GetSubnetsFilterArgs(name="vpc-id", values=[args.vpc_id])],
                opts=pulumi.InvokeOutputOptions(parent=self),
            ).ids
        else:
            network = DatabaseNetwork(
                f"{name}-network", DatabaseNetworkArgs(cidr_block=args.vpc_cidr, tags=tags), opts=child
            )
            vpc_id, subnet_ids = network.vpc_id, network.subnet_ids

        # No inline rules: ingress is one rule resource per CIDR, and no egress at all (RDS needs none).
        security_group = ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=vpc_id,
            description=f"PostgreSQL {args.identifier}: 5432 from the allowed CIDRs only",
            tags=tags,
            opts=child,
        )
        for index, cidr in enumerate(args.allowed_cidrs):
            network_range = ipaddress.ip_network(cidr)
            family = (
                {"cidr_ipv4": str(network_range)} if network_range.version == 4 else {"cidr_ipv6": str(network_range)}
            )
            vpc.SecurityGroupIngressRule(
                f"{name}-ingress-{index}",
                security_group_id=security_group.id,
                ip_protocol="tcp",
                from_port=POSTGRES_PORT,
                to_port=POSTGRES_PORT,
                description="PostgreSQL from an allowed client range",
                tags=tags,
                opts=child,
                **family,
            )

        subnet_group = rds.SubnetGroup(f"{name}-subnets", subnet_ids=subnet_ids, tags=tags, opts=child)
        parameter_group = rds.ParameterGroup(
            f"{name}-params",
            family=args.parameter_group_family,
            description=f"{args.identifier}: TLS-only connections",
            parameters=[
                rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1", apply_method="pending-reboot"),
                rds.ParameterGroupParameterArgs(name="log_connections", value="1", apply_method="pending-reboot"),
            ],
            tags=tags,
            opts=child,
        )
        password = random.RandomPassword(
            f"{name}-master-password",
            length=PASSWORD_LENGTH,
            special=True,
            override_special=PASSWORD_SPECIALS,
            min_special=2,
            min_numeric=2,
            opts=child,
        )
        # Every instance, the stack's own or a restore's, gets the same secure defaults.
        secure_defaults = dict(
            engine="postgres",
            engine_version=args.engine_version,
            instance_class=args.instance_class,
            allocated_storage=args.allocated_storage,
            max_allocated_storage=args.max_allocated_storage,
            storage_type="gp3",
            storage_encrypted=True,
            password=password.result,
            port=POSTGRES_PORT,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[security_group.id],
            publicly_accessible=True,  # Render cannot peer into AWS; the security group is the fence
            parameter_group_name=parameter_group.name,
            ca_cert_identifier=args.ca_cert_identifier,
            backup_retention_period=args.backup_retention_days,
            backup_window="03:00-04:00",
            maintenance_window="sun:04:30-sun:05:30",
            copy_tags_to_snapshot=True,
            skip_final_snapshot=False,
            deletion_protection=args.deletion_protection,
            auto_minor_version_upgrade=True,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            apply_immediately=False,
            tags=tags,
        )
        declared = declared_instances(args.identifier, args.restore, args.retired)
        instances: dict[str, rds.Instance] = {}
        snapshots: dict[str, rds.Snapshot] = {}
        for planned in declared:
            if planned.restore and planned.restore.snapshot in args.snapshots:
                # A snapshot of this stack's: taken (below, before the restore needs it) of the instance it replaces.
                replaced = instances.get(args.identifier)
                of = replaced.identifier if replaced else args.identifier
                snapshots.update(self._snapshots(name, args, [planned.restore.snapshot], of))
            instances[planned.identifier] = self._instance(name, args, planned, secure_defaults, snapshots)
        instance = instances[declared[-1].identifier]
        later = [snapshot for snapshot in args.snapshots if snapshot not in snapshots]
        snapshots.update(self._snapshots(name, args, later, instance.identifier))

        self.address = instance.address
        self.port = instance.port
        self.endpoint = instance.endpoint
        self.identifier = instance.identifier
        self.security_group_id = security_group.id
        self.connection_url = pulumi.Output.secret(
            pulumi.Output.all(instance.address, instance.port, password.result).apply(
                lambda values: postgres_url(
                    args.username, values[2], values[0], values[1], args.db_name, args.ca_file_path
                )
            )
        )
        self.snapshot_identifiers = {snap: snapshot.db_snapshot_identifier for snap, snapshot in snapshots.items()}
        self.register_outputs(
            {
                "address": self.address,
                "port": self.port,
                "endpoint": self.endpoint,
                "identifier": self.identifier,
                "security_group_id": self.security_group_id,
                "connection_url": self.connection_url,
            }
        )

    def _instance(
        self,
        name: str,
        args: PostgresDatabaseArgs,
        planned: DeclaredInstance,
        secure_defaults: dict,
        snapshots: Mapping[str, rds.Snapshot],
    ) -> rds.Instance:
        restore = planned.restore
        origin: dict = {}
        if planned.original:
            origin = {"db_name": args.db_name, "username": args.username}  # a restore brings its source's
        elif restore and restore.point_in_time is not None:
            origin["restore_to_point_in_time"] = rds.InstanceRestoreToPointInTimeArgs(
                source_db_instance_identifier=restore.source_db_instance or args.identifier,
                use_latest_restorable_time=True if restore.latest else None,
                restore_time=None if restore.latest else restore.point_in_time,
            )
        elif restore and restore.snapshot is not None:
            own = snapshots.get(restore.snapshot)
            origin["snapshot_identifier"] = own.db_snapshot_identifier if own else restore.snapshot
        retiring = planned.phase == "unprotect"
        return rds.Instance(
            f"{name}-instance{planned.logical_suffix}",
            identifier=planned.identifier,
            **origin,
            **{**secure_defaults, **({"deletion_protection": False} if retiring else {})},
            final_snapshot_identifier=f"{planned.identifier}-final",
            opts=pulumi.ResourceOptions(
                parent=self,
                # Protected while the stack runs on it or keeps it. `unprotect` lifts both guards in one update
                # so that `release` (no longer declaring it) deletes it, after RDS wrote the final snapshot.
                protect=not retiring,
                additional_secret_outputs=["password"],
                ignore_changes=None if planned.original or restore else RESTORE_INPUTS,
            ),
        )

    def _snapshots(
        self, name: str, args: PostgresDatabaseArgs, names: Sequence[str], of: pulumi.Input[str]
    ) -> dict[str, rds.Snapshot]:
        # A snapshot is of the instance that ran when it was taken: a later restore moves the declared instance
        # on, and the snapshot stays (ignore_changes) instead of being taken again. Kept when the stack drops it.
        return {
            snap: rds.Snapshot(
                f"{name}-snapshot-{snap}",
                db_instance_identifier=of,
                db_snapshot_identifier=f"{args.identifier}-{snap}",
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(
                    parent=self, retain_on_delete=True, ignore_changes=["dbInstanceIdentifier"]
                ),
            )
            for snap in names
        }
