"""A fake Kitchen Kontrol on 127.0.0.1: `http.server` in a thread on an ephemeral port, behaving as
its `Behaviour` says, so `ops verify` meets real sockets, real TLS and real timing."""

from __future__ import annotations

import base64
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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
    # A static site's `/*` -> `/index.html` rewrite: any other path gets the home page too.
    spa_rewrite: bool = False
    auth_headers: list[str | None] = field(default_factory=list)
    hits: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(behaviour: Behaviour) -> type[BaseHTTPRequestHandler]:
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
            elif self.path == "/" or b.spa_rewrite:
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


class AppServers:
    """Servers made for one test, all closed by `close()`."""

    def __init__(self) -> None:
        self.servers: list[Server] = []

    def make(
        self, *, tls: tuple[Path, Path] | None = None, listen: bool = True, userinfo: str = "", **behaviour_fields
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
        self.servers.append(server)
        if listen:
            server.start()
        return server

    def close(self) -> None:
        for server in self.servers:
            if server.started:
                server.httpd.shutdown()
            server.httpd.server_close()
