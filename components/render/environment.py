"""RenderEnvironment: the stack's environment in the Render project `kitchen-kontrol`.

A `protected` environment lets only workspace admins delete it or its resources, change env vars
or secret files, or move resources in or out: production's is protected, staging's is not.
Without a project id the stack creates the project with its one environment inline (so
`environment_ids[0]` is that environment); with one, it adds its environment to that project.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
from pulumi_render import environments, projects

from components import TOKEN_PREFIX
from components.render.owner import owner_id_for


@dataclass(frozen=True, kw_only=True)
class RenderEnvironmentArgs:
    project_name: str
    environment_name: str
    protected: bool
    owner_id: Optional[str] = None
    project_id: Optional[str] = None  # an existing project (prj-...): the environment is added to it

    def __post_init__(self) -> None:
        for field, value in (("project_name", self.project_name), ("environment_name", self.environment_name)):
            if not value.strip():
                raise ValueError(f"{field}: expected a name")
        if self.project_id is not None and not self.project_id.startswith("prj-"):
            raise ValueError("project_id: expected a Render project id (prj-...)")


def protected_status(protected: bool) -> str:
    return "protected" if protected else "unprotected"


class RenderEnvironment(pulumi.ComponentResource):
    environment_id: pulumi.Output[str]
    project_id: pulumi.Output[str]

    def __init__(self, name: str, args: RenderEnvironmentArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(f"{TOKEN_PREFIX}RenderEnvironment", name, None, opts)
        # Deleting a project or an environment deletes what lives in it: never by accident.
        kept = pulumi.ResourceOptions(parent=self, protect=True)
        status = protected_status(args.protected)
        if args.project_id is None:
            owner_id = owner_id_for(args.owner_id, self)
            project = projects.Project(
                f"{name}-project",
                name=args.project_name,
                owner_id=owner_id,
                environments=[
                    projects.ProjectCreateEnvironmentInputArgs(name=args.environment_name, protected_status=status)
                ],
                opts=kept,
            )
            self.project_id = project.id
            self.environment_id = project.environment_ids.apply(lambda ids: ids[0])
        else:
            environment = environments.Environment(
                f"{name}-environment",
                project_id=args.project_id,
                name=args.environment_name,
                protected_status=status,
                opts=kept,
            )
            self.project_id = pulumi.Output.from_input(args.project_id)
            self.environment_id = environment.id
        self.register_outputs({"environment_id": self.environment_id, "project_id": self.project_id})
