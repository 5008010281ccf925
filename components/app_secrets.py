"""AppSecrets: the per-stack secrets the app reads from its environment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_random as random

from components import TOKEN_PREFIX

MIN_JWT_SECRET_LENGTH = 64


@dataclass(frozen=True, kw_only=True)
class AppSecretsArgs:
    database_url: pulumi.Input[str]
    jwt_secret_length: int = 96

    def __post_init__(self) -> None:
        if self.jwt_secret_length < MIN_JWT_SECRET_LENGTH:
            raise ValueError(f"jwt_secret_length: expected at least {MIN_JWT_SECRET_LENGTH} characters")


class AppSecrets(pulumi.ComponentResource):
    jwt_secret: pulumi.Output[str]
    database_url: pulumi.Output[str]

    def __init__(self, name: str, args: AppSecretsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(f"{TOKEN_PREFIX}AppSecrets", name, None, opts)
        # Letters and digits only: the value travels through shells and .env files unquoted.
        jwt = random.RandomPassword(
            f"{name}-jwt-secret",
            length=args.jwt_secret_length,
            special=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.jwt_secret = pulumi.Output.secret(jwt.result)
        self.database_url = pulumi.Output.secret(args.database_url)
        self.register_outputs({"jwt_secret": self.jwt_secret, "database_url": self.database_url})
