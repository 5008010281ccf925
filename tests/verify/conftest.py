"""Real HTTP(S) servers on 127.0.0.1 for `ops verify`, plus certificates made by openssl.

Each server runs `http.server` in a thread on an ephemeral port and behaves as
its `Behaviour` says, so the checks meet real sockets, real TLS and real timing.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

HTML_OK = b"<!DOCTYPE html><html><head><title>Kitchen Kontrol</title></head><body></body></html>"


@dataclass
class Behaviour:
    """What the fake Kitchen Kontrol answers; tests tweak one field at a time."""

    health_status: int = 200
    health_body: bytes = b'{"status":"ok"}'
    health_type: str = "application/json"
    health_delay: float = 0.0
    # Every n-th health request answers 500 (0 = never): a flapping instance.
    fail_every: int = 0
    home_status: int = 200
    home_body: bytes = HTML_OK
    home_type: str = "text/html; charset=utf-8"
    # "user:password" the server demands as HTTP Basic auth, if any.
    basic_auth: str | None = None
    # Answer GET / with a 302 to this URL.
    redirect_home_to: str | None = None
    auth_headers: list[str | None] = field(default_factory=list)
    hits: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(behaviour: Behaviour) -> type[BaseHTTPRequestHandler]:
    import base64

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep pytest output clean
            pass

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            b = behaviour
            with b.lock:
                b.hits.append(self.path)
                b.auth_headers.append(self.headers.get("Authorization"))
                count = sum(p == "/api/health" for p in b.hits)
            if b.basic_auth:
                expected = "Basic " + base64.b64encode(b.basic_auth.encode()).decode()
                if self.headers.get("Authorization") != expected:
                    self._send(401, b"unauthorized", "text/plain")
                    return
            if self.path == "/api/health":
                time.sleep(b.health_delay)
                if b.fail_every and count % b.fail_every == 0:
                    self._send(500, b'{"error":"boom"}', "application/json")
                else:
                    self._send(b.health_status, b.health_body, b.health_type)
            elif self.path == "/" and b.redirect_home_to:
                self.send_response(302)
                self.send_header("Location", b.redirect_home_to)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/":
                self._send(b.home_status, b.home_body, b.home_type)
            else:
                self._send(404, b"not found", "text/plain")

    return Handler


@dataclass
class Server:
    url: str
    port: int
    behaviour: Behaviour
    httpd: ThreadingHTTPServer
    started: bool = False

    def start(self) -> None:
        """Begin listening (a server created with `listen=False` refuses connections until now)."""
        self.httpd.server_activate()
        self.started = True
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()


@pytest.fixture
def make_server() -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def make(
        *, tls: tuple[Path, Path] | None = None, listen: bool = True, userinfo: str = "", **behaviour_fields
    ) -> Server:
        """Start a server; keyword arguments set `Behaviour` fields."""
        behaviour = Behaviour(**behaviour_fields)
        # Bound but not listening: connections are refused, like a host still deploying.
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(behaviour), bind_and_activate=False)
        httpd.daemon_threads = True
        httpd.server_bind()
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
        port = httpd.server_address[1]
        scheme = "https" if tls else "http"
        server = Server(f"{scheme}://{userinfo}127.0.0.1:{port}", port, behaviour, httpd)
        servers.append(server)
        if listen:
            server.start()
        return server

    yield make
    for server in servers:
        if server.started:
            server.httpd.shutdown()
        server.httpd.server_close()


# --------------------------------------------------------------------------- certificates

_CA_CONFIG = """
[ca]
default_ca = local
[local]
dir = {dir}
database = {dir}/index.txt
new_certs_dir = {dir}
serial = {dir}/serial
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = supplied
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


@dataclass
class CertFactory:
    dir: Path
    openssl: str

    def _run(self, *args: str) -> None:
        subprocess.run([self.openssl, *args], check=True, capture_output=True, cwd=self.dir)

    def _key_csr(self, name: str) -> tuple[Path, Path]:
        key, csr = self.dir / f"{name}.key", self.dir / f"{name}.csr"
        self._run(
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(csr),
            "-subj",
            f"/CN={name}",
        )
        return key, csr

    def ca(self) -> tuple[Path, Path]:
        """A local certificate authority (cert, key), made once per factory."""
        cert, key = self.dir / "ca.pem", self.dir / "ca.key"
        if not cert.exists():
            self._run(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                str(key),
                "-out",
                str(cert),
                "-days",
                "30",
                "-subj",
                "/CN=verify test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            )
            (self.dir / "index.txt").write_text("")
            (self.dir / "serial").write_text("1000\n")
            (self.dir / "ca.cnf").write_text(_CA_CONFIG.format(dir=self.dir))
        return cert, key

    def leaf(self, name: str, *, start: str | None = None, end: str | None = None, days: int = 90) -> tuple[Path, Path]:
        """A server cert for 127.0.0.1 signed by the CA; `start`/`end` as YYYYMMDDHHMMSSZ."""
        ca_cert, ca_key = self.ca()
        key, csr = self._key_csr(name)
        cert = self.dir / f"{name}.pem"
        validity = ["-startdate", start, "-enddate", end] if start and end else ["-days", str(days)]
        self._run(
            "ca",
            "-batch",
            "-config",
            str(self.dir / "ca.cnf"),
            "-cert",
            str(ca_cert),
            "-keyfile",
            str(ca_key),
            "-in",
            str(csr),
            "-out",
            str(cert),
            "-extensions",
            "leaf",
            "-notext",
            *validity,
        )
        return cert, key

    def self_signed(self, name: str) -> tuple[Path, Path]:
        cert, key = self.dir / f"{name}.pem", self.dir / f"{name}.key"
        self._run(
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "30",
            "-subj",
            f"/CN={name}",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        )
        return cert, key


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> CertFactory:
    openssl = shutil.which("openssl")
    if openssl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the openssl CLI is required for the TLS tests in CI")
        pytest.skip("the openssl CLI is not installed; TLS tests need it to make certificates")
    return CertFactory(tmp_path_factory.mktemp("certs"), openssl)


# --------------------------------------------------------------------------- running the command


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def data(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def verify(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Parse argv with the real `register` parser and run `ops.verify.main` in-process.

    A `UsageError` becomes exit code 2 with its message on stderr, as `python -m ops` does.
    """
    import argparse

    from ops import verify as verify_module
    from ops.errors import UsageError

    def run(*argv: str) -> Run:
        parser = argparse.ArgumentParser(prog="ops")
        verify_module.register(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args(["verify", *argv])
        try:
            code = args.handler(args)
        except UsageError as exc:
            print(f"error: {exc}", file=sys.stderr)
            code = 2
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib honours *_proxy variables; these tests only ever talk to loopback."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
