"""A real PostgreSQL (Debian's server binaries) on 127.0.0.1 with TLS and scram auth."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.env import unavailable


@contextmanager
def running_postgres(data: Path) -> Iterator[dict]:
    """Initialise a cluster in the empty directory `data`, start it, stop it on exit.

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
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(data / "server.key"),
            "-out",
            str(data / "server.crt"),
        ],
        check=True,
        capture_output=True,
    )
    if run_as:
        for name in ("server.key", "server.crt"):
            shutil.chown(data / name, "postgres")
    (data / "server.key").chmod(0o600)
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
        yield {"host": "127.0.0.1", "port": port, "socket_dir": str(data), "bindir": bindir, "run_as": run_as}
    finally:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
