"""The app's-eye view: Kitchen Kontrol's own database drivers (node-postgres 8.16.3 with pg-connection-string
2.9.1, node-pg-migrate 7.9.1: `node/package-lock.json` holds exactly the app's lockfile entries for them),
installed with `npm ci`, against a local PostgreSQL whose certificate comes from a CA made for this run, with the
`DATABASE_URL`, `NODE_EXTRA_CA_CERTS` and secret files exactly as the real engine put them in the staging
rehearsal's state (`pulumi stack export --show-secrets`)."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.support.env import unavailable
from tests.support.postgres import login_role_with_database
from tests.support.secret_files import local_url, materialise

NODE_DIR = Path(__file__).resolve().parent / "node"


@dataclass(frozen=True)
class Node:
    node: str
    npm: str
    drivers: Path  # package.json, the lockfile's node_modules, app_db.js and db/migrations/ (the app's layout)

    def run(self, *args: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            list(args),
            cwd=cwd or self.drivers,
            env={"PATH": f"{Path(self.node).parent}:/usr/bin:/bin", "HOME": str(self.drivers), **env},
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture(scope="session")
def node(tmp_path_factory) -> Node:
    """The app's drivers from npm, `npm ci` from the committed lockfile into a directory of the session's."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        unavailable(
            "the app-contract suite runs the app's own drivers with node and npm, which are not installed "
            "(.ci/run installs Debian's nodejs and npm)"
        )
    drivers = tmp_path_factory.mktemp("app-drivers")
    for name in ("package.json", "package-lock.json", "app_db.js"):
        shutil.copyfile(NODE_DIR / name, drivers / name)
    shutil.copytree(NODE_DIR / "db", drivers / "db")
    installed = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=drivers,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, f"npm ci failed:\n{installed.stderr[-3000:]}"
    return Node(node=node, npm=npm, drivers=drivers)


def _plain(value):
    """A value of `stack export --show-secrets`: secrets come as {sig, plaintext: JSON}."""
    if isinstance(value, dict) and "plaintext" in value:
        return json.loads(value["plaintext"])
    return value


@dataclass(frozen=True)
class RehearsedApp:
    env: dict[str, str]  # the service's env vars, as the state holds them
    secret_files: dict[str, str]  # name -> content
    pre_deploy_command: str | None  # the web service's, run by Render in a shell in the app's checkout


@pytest.fixture(scope="session")
def rehearsed_app(staging_rehearsal) -> RehearsedApp:
    """The web service's env vars and secret files from the rehearsal's state, decrypted."""
    session, stack = staging_rehearsal.session, staging_rehearsal.stack
    code, exported, _ = session.run(["stack", "export", "-s", stack, "--show-secrets"])
    assert code == 0, "stack export --show-secrets failed"
    resources = json.loads(exported)["deployment"]["resources"]
    env, files, pre_deploy = {}, {}, None
    for resource in resources:
        inputs = resource.get("inputs", {})
        if resource["type"] == "render:services:EnvVar":
            env[_plain(inputs["envVarKey"])] = _plain(inputs["value"])
        elif resource["type"] == "render:services:SecretFile":
            files[_plain(inputs["secretFileName"])] = _plain(inputs["content"])
        elif resource["type"] == "render:services:WebService":
            pre_deploy = _plain(inputs["serviceDetails"]).get("preDeployCommand")
    return RehearsedApp(env=env, secret_files=files, pre_deploy_command=pre_deploy)


@dataclass(frozen=True)
class AppDatabase:
    url: str  # the state's DATABASE_URL, with host/port and /etc/secrets/ moved to this machine
    secrets_dir: Path  # /etc/secrets/ on this machine
    server: dict
    user: str


@pytest.fixture(scope="session")
def app_database(rehearsed_app, postgres_server, tmp_path_factory) -> AppDatabase:
    """The state's database (role, password, name) created on the local server, and the state's secret files
    written where the URL finds them. The CA file is the state's bytes followed by this run's CA: that CA stands
    in for the Amazon RDS root that issues a real instance's certificate, which no local server can present."""
    url = rehearsed_app.env["DATABASE_URL"]
    parts = urlsplit(url)
    user, password, database = unquote(parts.username), unquote(parts.password), unquote(parts.path.lstrip("/"))
    login_role_with_database(postgres_server, user, password, database)
    secrets_dir = tmp_path_factory.mktemp("etc-secrets")
    files = dict(rehearsed_app.secret_files)
    ca_file = next(name for name in files if urlsplit(url).query.endswith(name))
    files[ca_file] += postgres_server["ca"].read_text()
    materialise(files, secrets_dir)
    # A name, as an RDS endpoint is: node-postgres checks the certificate against the host only when it is a
    # name (for an IP address it sends no servername, and Node then checks against "localhost").
    return AppDatabase(
        url=local_url(url, secrets_dir, host="localhost", port=postgres_server["port"]),
        secrets_dir=secrets_dir,
        server=postgres_server,
        user=user,
    )
