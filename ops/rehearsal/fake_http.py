"""What the SaaS fakes share: a JSON-over-HTTP server on 127.0.0.1 (plain or TLS) in a daemon thread,
bearer auth, a request log, and the faults every API can suffer (rate limit, server error, redirect,
hang, dropped connection, any answer), and the vendor's published contract: a fake with a `spec`
(ops/rehearsal/vendor_contract.py) refuses, as the vendor's OpenAPI document would, any request it does not
describe. Each fake adds its own routes (`answer`) and, if it needs them, its own fault kinds (`answer_fault`)."""

from __future__ import annotations

import copy
import json
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, Self

from ops.rehearsal.faults.armed import Fault, take_fault
from ops.rehearsal.vendor_contract import VendorSpec


class FakeApi:
    """A fake SaaS API. Subclasses set `error_key` (the field their errors name the problem in),
    `unauthorized` (the 401 body), `fault_type`, and implement `handle`."""

    error_key: ClassVar[str] = "message"
    unauthorized: ClassVar[dict[str, str]] = {"message": "Unauthorized"}
    fault_type: ClassVar[type[Fault]] = Fault
    spec: ClassVar[VendorSpec | None] = None  # the vendor's OpenAPI subset the fake holds requests to
    held: ClassVar[tuple[str, ...]] = ()  # the attributes that hold what the API holds (`saved`, `holding`)

    def __init__(self, credential: str, *, tls: tuple[Path, Path] | None = None, name: str = "fake-api") -> None:
        self.credential = credential
        self.calls: list[tuple[Any, ...]] = []
        self.times: list[float] = []
        self.seen_auth: list[str] = []
        # (method, path, status, payload) of every answer sent, faults included; tests hold them to the spec.
        self.answered: list[tuple[str, str, int, Any]] = []
        self.refused: list[str] = []  # why the spec refused a request, in order
        self.faults: list[Fault] = []
        self._lock = threading.RLock()
        self._name = name
        self.server = QuietServer(("127.0.0.1", 0), type("Handler", (JsonHandler,), {"fake": self}))
        scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.origin = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"

    # The credential under the name each API gives it (tests and the rehearsal read it back).
    api_key = token = property(lambda self: self.credential)

    def inject(self, method: str, path: str, kind: str, **options: Any) -> Fault:
        fault = self.fault_type(method.upper(), path, kind, **options)
        with self._lock:
            self.faults.append(fault)
        return fault

    def saved(self) -> dict[str, Any]:
        """A copy of what the fake holds now (not its log, faults or server), for another fake to hold."""
        with self._lock:
            return {name: copy.deepcopy(getattr(self, name)) for name in self.held}

    def holding(self, saved: dict[str, Any]) -> Self:
        """This fake, holding a copy of another's `saved()`: a deployed stack's SaaS side, copied."""
        with self._lock:
            for name in self.held:
                setattr(self, name, copy.deepcopy(saved[name]))
        return self

    def take_fault(self, method: str, path: str) -> Fault | None:
        return take_fault(self.faults, self._lock, method, path)

    def admit(self, request: JsonHandler, method: str, path: str, *logged: Any) -> bool:
        """Log the request (method, path and `logged`), then: does it carry the right bearer token?"""
        auth = request.headers.get("Authorization", "")
        with self._lock:
            self.calls.append((method, path, *logged))
            self.times.append(time.monotonic())
            self.seen_auth.append(auth)
        return auth == f"Bearer {self.credential}"

    def refuse_by_spec(self, request: JsonHandler, method: str, url: urllib.parse.SplitResult, body: bytes) -> bool:
        """Answer as the vendor would a request its document does not describe (True), else False."""
        if self.spec is None:
            return False
        content_type = request.headers.get("Content-Type", "")
        refusal = self.spec.refusal(method, url.path, url.query, body, content_type)
        if refusal is None:
            return False
        with self._lock:
            self.refused.append(refusal.message)
        request.send(refusal.status, self.error(f"refused by the vendor's OpenAPI document: {refusal.message}"))
        return True

    def error(self, text: str) -> dict[str, str]:
        return {self.error_key: text}

    def handle(self, request: JsonHandler, method: str, url: urllib.parse.SplitResult) -> None:
        raise NotImplementedError

    def answer_fault(self, request: JsonHandler, fault: Fault, status: int, payload: Any) -> None:
        """The fake's own fault kinds; the shared ones are in `JsonHandler.fault`."""
        raise AssertionError(f"{type(self).__name__}: unknown fault kind {fault.kind!r}")

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, args=(0.05,), name=self._name, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class QuietServer(ThreadingHTTPServer):
    """A client that hangs up (a killed CLI, a timed-out provider, a dropped keep-alive connection) is no error of the
    fake's: `socketserver` would print its traceback on the rehearsal's stderr. Every other error still is."""

    daemon_threads = True
    HANG_UPS = (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], self.HANG_UPS):
            return
        super().handle_error(request, client_address)


class JsonHandler(BaseHTTPRequestHandler):
    fake: FakeApi
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the second waits for the client's
    # delayed ACK (about 40 ms a request on Linux).
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def send(self, status: int, payload: Any = None, headers: dict[str, str] | None = None, raw: bytes | None = None):
        data = raw if raw is not None else (b"" if payload is None else json.dumps(payload).encode())
        with self.fake._lock:
            self.fake.answered.append((self.command, urllib.parse.urlsplit(self.path).path, status, payload))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: the lost reply

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def fault(self, fault: Fault, status: int = 200, payload: Any = None) -> None:
        """Misbehave as `fault` says; `status`/`payload` are the real answer when the change was committed."""
        fake = self.fake
        if fault.kind == "429":
            return self.send(429, fake.error("Too many requests"), {"Retry-After": fault.retry_after})
        if fault.kind in ("500", "502"):
            return self.send(
                int(fault.kind), fake.error("Internal server error" if fault.kind == "500" else "Bad gateway")
            )
        if fault.kind == "redirect":
            return self.send(fault.status, fake.error("moved"), {"Location": fault.location})
        if fault.kind == "body":
            return self.send(fault.status, fault.payload)
        if fault.kind in ("hang", "timeout"):
            fault.reached.set()  # past the client's timeout it gives up; the change (if committed) stays
            fault.released.wait(fault.delay)
            return self.send(status, payload)
        if fault.kind == "drop":
            self.close_connection = True
            return None
        return fake.answer_fault(self, fault, status, payload)

    def _dispatch(self) -> None:
        self.fake.handle(self, self.command, urllib.parse.urlsplit(self.path))

    # BaseHTTPRequestHandler finds a method's handler by its name, do_<METHOD>.
    do_GET = do_POST = do_PATCH = do_DELETE = _dispatch  # noqa: N815
