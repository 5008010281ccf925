"""A small dedicated VPC for the database: two public subnets in two zones.

Render has no private path into AWS, so the database must be publicly addressable; the
security group, not the subnet, is what keeps it closed.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Mapping, Optional

import pulumi
from pulumi_aws import ec2, get_availability_zones_output

from components import TOKEN_PREFIX
from components.rules import DEFAULT_VPC_CIDR, vpc_cidr_problem

ZONE_COUNT = 2


@dataclass(frozen=True, kw_only=True)
class DatabaseNetworkArgs:
    cidr_block: str = DEFAULT_VPC_CIDR
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problem = vpc_cidr_problem(self.cidr_block)
        if problem:
            raise ValueError(f"cidr_block: {problem}")

    def subnet_cidrs(self) -> list[str]:
        halves = ipaddress.ip_network(self.cidr_block).subnets(prefixlen_diff=2)
        return [str(next(halves)) for _ in range(ZONE_COUNT)]


class DatabaseNetwork(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    subnet_ids: pulumi.Output[list[str]]

    def __init__(self, name: str, args: DatabaseNetworkArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(f"{TOKEN_PREFIX}DatabaseNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        vpc = ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr_block,
            enable_dns_hostnames=True,  # RDS endpoints need DNS hostnames to be public
            enable_dns_support=True,
            tags={**tags, "Name": f"{name}-vpc"},
            opts=child,
        )
        # Adopt the VPC's default security group and strip its allow-all rules.
        ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=vpc.id, tags=tags, opts=child)
        gateway = ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags=tags, opts=child)
        routes = ec2.RouteTable(
            f"{name}-public",
            vpc_id=vpc.id,
            routes=[ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=gateway.id)],
            tags=tags,
            opts=child,
        )

        zones = get_availability_zones_output(state="available", opts=pulumi.InvokeOutputOptions(parent=self))
        subnets = []
        for index, cidr in enumerate(args.subnet_cidrs()):
            subnet = ec2.Subnet(
                f"{name}-subnet-{index}",
                vpc_id=vpc.id,
                cidr_block=cidr,
                availability_zone=zones.names.apply(lambda names, i=index: _zone(names, i)),
                map_public_ip_on_launch=False,
                tags={**tags, "Name": f"{name}-subnet-{index}"},
                opts=child,
            )
            ec2.RouteTableAssociation(
                f"{name}-subnet-{index}-public", subnet_id=subnet.id, route_table_id=routes.id, opts=child
            )
            subnets.append(subnet)

        self.vpc_id = vpc.id
        self.subnet_ids = pulumi.Output.all(*[s.id for s in subnets])
        self.register_outputs({"vpc_id": self.vpc_id, "subnet_ids": self.subnet_ids})


def _zone(names: list[str], index: int) -> str:
    if len(names) < ZONE_COUNT:
        raise pulumi.RunError(f"the region offers {len(names)} availability zone(s); RDS needs {ZONE_COUNT}")
    return names[index]
