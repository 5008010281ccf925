"""A real PostgreSQL (Debian's server binaries) on 127.0.0.1 with TLS and scram auth."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import struct
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.env import unavailable


@contextmanager
def running_postgres(data: Path, cert: Path, key: Path) -> Iterator[dict]:
    """Initialise a cluster in the empty directory `data`, start it serving TLS with `cert`/`key` (a leaf for
    127.0.0.1, tests/support/certs.py), stop it on exit.

    Yields host, port, socket_dir, bindir and run_as (the prefix that runs a command as the
    server's user). `.ci/run` installs the packages; outside CI a missing server skips with the reason.
    """
    bindirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not bindirs or not shutil.which("openssl"):
        unavailable(
            "PostgreSQL server binaries (/usr/lib/postgresql/*/bin) or openssl not installed (.ci/run installs them)"
        )
    bindir = bindirs[-1]
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root; Debian's package provides the postgres user
        shutil.chown(data, "postgres")
        data.chmod(0o700)
        run_as = ["runuser", "-u", "postgres", "--"]
    for parent in data.parents:
        if parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | 0o011)  # postgres must traverse into its data dir
    subprocess.run(
        [*run_as, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
    )
    _install_certificate(data, cert, key, run_as)
    port = free_port()
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"\nport = {port}\nlisten_addresses = '127.0.0.1'\nssl = on\nunix_socket_directories = '{data}'\n"
            "password_encryption = 'scram-sha-256'\n"
        )
    (data / "pg_hba.conf").write_text(
        "local all postgres trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject\n"
    )
    subprocess.run(
        [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(data / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield {
            "host": "127.0.0.1",
            "port": port,
            "socket_dir": str(data),
            "bindir": bindir,
            "run_as": run_as,
            "data": data,
        }
    finally:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )


def _install_certificate(data: Path, cert: Path, key: Path, run_as: list[str]) -> None:
    for source, name in ((cert, "server.crt"), (key, "server.key")):
        shutil.copyfile(source, data / name)
        if run_as:
            shutil.chown(data / name, "postgres")
    (data / "server.key").chmod(0o600)


@contextmanager
def serving_certificate(server: dict, cert: Path, key: Path) -> Iterator[None]:
    """The running server presents `cert` until the block ends, then its own again (a reload, no restart)."""
    data: Path = server["data"]
    saved = {name: (data / name).read_bytes() for name in ("server.crt", "server.key")}
    try:
        _reload_with(server, cert, key)
        yield
    finally:
        originals = data / "original.crt", data / "original.key"
        for path, name in zip(originals, saved, strict=True):
            path.write_bytes(saved[name])
        _reload_with(server, *originals)


def _reload_with(server: dict, cert: Path, key: Path) -> None:
    _install_certificate(server["data"], cert, key, server["run_as"])
    reload = [*server["run_as"], str(server["bindir"] / "pg_ctl"), "-D", str(server["data"]), "reload"]
    subprocess.run(reload, check=True, capture_output=True)
    wanted = ssl.PEM_cert_to_DER_cert(cert.read_text())
    deadline = time.monotonic() + 10
    while presented_certificate(server) != wanted:  # the reload is asynchronous
        if time.monotonic() > deadline:
            raise TimeoutError(f"PostgreSQL still presents its old certificate after a reload with {cert.name}")
        time.sleep(0.05)


def presented_certificate(server: dict) -> bytes:
    """The DER certificate the server presents: PostgreSQL's SSLRequest, then a handshake that verifies nothing
    (it only reads the certificate; the clients under test do the verifying)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((server["host"], server["port"]), timeout=5) as raw:
        raw.sendall(struct.pack("!ii", 8, 80877103))
        assert raw.recv(1) == b"S", "the server refused TLS"
        with context.wrap_socket(raw) as tls:
            return tls.getpeercert(binary_form=True)


def psql(server: dict, sql: str, *, dsn: str | None = None, stdin: bool = False) -> subprocess.CompletedProcess:
    """Debian's psql: as the superuser over the server's socket, or with `dsn` as a client would. With `stdin`
    the SQL goes in on standard input (a password in it never shows in a process list)."""
    target = dsn or f"host={server['socket_dir']} port={server['port']} user=postgres dbname=postgres"
    command = [str(server["bindir"] / "psql"), target, "-v", "ON_ERROR_STOP=1", "-tA"]
    return subprocess.run(
        [*command, "-f", "-"] if stdin else [*command, "-c", sql],
        input=sql if stdin else None,
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10"},  # no PGSSLMODE & co. from the caller
    )


def login_role_with_database(server: dict, user: str, password: str, database: str) -> None:
    """`user` may log in with `password` (whatever another test set before) and owns `database`."""
    quoted = password.replace("'", "''")
    statements = (
        f"DO $$ BEGIN CREATE ROLE {user} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n"
        f"ALTER ROLE {user} PASSWORD '{quoted}';\n"
    )
    created = psql(server, statements, stdin=True)
    assert created.returncode == 0, created.stderr.replace(password, "[password]")
    exists = f"SELECT 1 FROM pg_database WHERE datname = '{database}'"  # noqa: S608 - a test's own identifier
    if not psql(server, exists).stdout.strip():
        made = psql(server, f"CREATE DATABASE {database} OWNER {user}")
        assert made.returncode == 0, made.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
