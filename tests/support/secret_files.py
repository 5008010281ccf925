"""Render's secret files on this machine: Render mounts each at /etc/secrets/<name>; a test writes them into a
directory of its own and points the URL's `sslrootcert` there (the only part of the URL it changes)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

RENDER_SECRETS_DIR = "/etc/secrets/"


def materialise(files: dict[str, str], into: Path) -> dict[str, Path]:
    """Write each secret file `name -> content` into `into`, as Render would into /etc/secrets."""
    into.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, content in files.items():
        (into / name).write_text(content)
        written[name] = into / name
    return written


def local_url(url: str, secrets_dir: Path, *, host: str | None = None, port: int | None = None) -> str:
    """`url` with sslrootcert's /etc/secrets/ moved to `secrets_dir` and, where given, host and port replaced by
    the local server's; the credentials, database, sslmode and file name stay exactly as they were."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    moved = []
    for key, value in query:
        if key == "sslrootcert":
            assert value.startswith(RENDER_SECRETS_DIR), f"sslrootcert is not a Render secret file: {value}"
            value = str(secrets_dir / value.removeprefix(RENDER_SECRETS_DIR))
        moved.append((key, value))
    netloc = parts.netloc
    if host is not None or port is not None:
        credentials, _, _address = parts.netloc.rpartition("@")
        netloc = f"{credentials}@{host or parts.hostname}:{port or parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(moved, safe="/"), parts.fragment))
