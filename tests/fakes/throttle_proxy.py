"""A reverse proxy in front of moto that answers chosen requests with AWS errors.

moto cannot inject faults; this proxy can. Each `Fault` names an API operation (the
X-Amz-Target suffix or the query `Action=`), optionally a substring the request must contain
(an access key id picks one account's credentials), how often to fire, and the
protocol-correct error body to answer with: query/XML services (IAM, STS, EC2) and JSON
services (KMS, Organizations…) each get the shape their botocore parser expects, so botocore's
real retry logic sees real throttling codes. Everything else is forwarded unchanged.
Listens on 127.0.0.1 only; TCP_NODELAY is set (disable_nagle_algorithm).
"""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from collector.demo.localserver import LocalServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length",
              "proxy-connection", "upgrade", "te", "trailer", "server", "date"}


@dataclass
class Fault:
    """Answer up to `times` matching requests (None: all of them) with this error."""

    operation: str
    status: int
    body: bytes
    content_type: str
    times: int | None = 1
    match: str = ""
    """A substring the request (headers, query or body) must contain, e.g. an access key id."""
    after: int = 0
    """Let this many matching requests through before firing (e.g. the second account's)."""


def query_error(operation: str, code: str, *, status: int = 400, times: int | None = 1,
                match: str = "", after: int = 0,
                message: str = "injected by the test proxy") -> Fault:
    """The error of a query-protocol service (IAM, STS, RDS…): `<ErrorResponse>`."""
    body = (f'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
            f"<Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>11111111-2222-3333-4444-555555555555</RequestId></ErrorResponse>")
    return Fault(operation, status, body.encode(), "text/xml", times, match, after)


def ec2_error(operation: str, code: str, *, status: int = 503, times: int | None = 1,
              match: str = "") -> Fault:
    """The error of EC2 (its own XML shape: `<Response><Errors>`)."""
    body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}"
            "</Code><Message>Request limit exceeded.</Message></Error></Errors>"
            "<RequestID>11111111-2222-3333-4444-555555555555</RequestID></Response>")
    return Fault(operation, status, body.encode(), "text/xml;charset=UTF-8", times, match)


def json_error(operation: str, code: str, *, status: int = 400, times: int | None = 1,
               match: str = "", message: str = "injected by the test proxy") -> Fault:
    """The error of a JSON-protocol service (KMS, Organizations, Logs…)."""
    body = f'{{"__type": "{code}", "message": "{message}"}}'
    return Fault(operation, status, body.encode(), "application/x-amz-json-1.1", times, match)


def operation_of(path: str, query: str, target: str, body: bytes) -> str:
    """The API operation a request calls (X-Amz-Target suffix or Action=), else ''."""
    if target:
        return target.rsplit(".", 1)[-1]
    for source in (query, body.decode("utf-8", "replace")):
        for part in source.split("&"):
            if part.startswith("Action="):
                return part[len("Action="):]
    return ""


class ThrottleProxy(LocalServer):
    """Start with `start()`; `endpoint` is its URL; `fired` counts injected errors by operation."""

    def __init__(self, upstream: str, faults: list[Fault]) -> None:
        self.upstream = urlsplit(upstream)
        self.faults = list(faults)
        self.fired: Counter[str] = Counter()
        self.forwarded: Counter[str] = Counter()
        self.in_flight = 0
        self.most_in_flight = 0
        """The most requests the proxy was answering at the same time."""
        self._lock = threading.Lock()
        proxy = self

        class Handler(_Handler):
            owner = proxy

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        super().__init__(server)

    def enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def fault_for(self, operation: str, raw: bytes) -> Fault | None:
        """The first armed fault matching this request (and disarm it by one)."""
        with self._lock:
            for fault in self.faults:
                if fault.operation != operation or (fault.match and
                                                    fault.match.encode() not in raw):
                    continue
                if fault.after > 0:
                    fault.after -= 1
                    continue
                if fault.times is not None:
                    if fault.times <= 0:
                        continue
                    fault.times -= 1
                self.fired[operation] += 1
                return fault
            self.forwarded[operation] += 1
        return None


class _Handler(BaseHTTPRequestHandler):
    owner: ThrottleProxy
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        self.owner.enter()
        try:
            self._proxy()
        finally:
            self.owner.leave()

    def _proxy(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        op = operation_of(path, query, self.headers.get("X-Amz-Target", ""), body)
        raw = str(self.headers).encode() + self.path.encode() + body
        fault = self.owner.fault_for(op, raw)
        if fault is not None:
            self._reply(fault.status, [("Content-Type", fault.content_type)], fault.body)
            return
        up = self.owner.upstream
        conn = http.client.HTTPConnection(up.hostname or "127.0.0.1", up.port, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            conn.request(self.command, self.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
            self._reply(resp.status, kept, data)
        finally:
            conn.close()

    def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle
