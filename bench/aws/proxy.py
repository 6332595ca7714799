"""A recording / replaying HTTP proxy for AWS API requests, on 127.0.0.1 only.

`record` mode forwards every request to an upstream (moto) and keeps its response under the
request's key; `replay` mode answers each request from those canned responses after a fixed
delay (the latency of a real API), without any upstream. Both count what they serve, by key,
so duplicates are visible.

The key is what makes two requests the same API call: method, path, query, X-Amz-Target, body,
the signing access key id (which account's credentials) and the signing region. Volatile
headers (date, signature) are left out. A replayed AssumeRole returns the credentials it
returned when recorded, so the requests signed with them find their recorded answers too.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from collector.demo.localserver import LocalServer

SKIP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "server",
                "date", "proxy-connection", "upgrade", "te", "trailer"}
Key = tuple[str, str, str, str, bytes, str, str]


@dataclass(frozen=True)
class Canned:
    """One recorded response."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def request_key(method: str, path: str, target: str, body: bytes, authorization: str) -> Key:
    """Which API call a request is (see the module docstring)."""
    path_only, _, query = path.partition("?")
    scope = authorization.partition("Credential=")[2].split(",")[0].split("/")
    access_key = scope[0] if scope else ""
    region = scope[2] if len(scope) > 2 else ""
    return (method, path_only, query, target, body, access_key, region)


class ApiProxy(LocalServer):
    """`ApiProxy(upstream=URL)` records; `ApiProxy(canned=..., latency=0.02)` replays."""

    def __init__(self, *, upstream: str | None = None,
                 canned: dict[Key, Canned] | None = None, latency: float = 0.0) -> None:
        self.upstream = urlsplit(upstream) if upstream else None
        self.canned: dict[Key, Canned] = dict(canned or {})
        self.latency = latency
        self.served: Counter[Key] = Counter()
        self.misses = 0
        self._lock = threading.Lock()
        owner = self

        class Handler(_Handler):
            proxy = owner

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.request_queue_size = 128
        super().__init__(server)

    def reset_counts(self) -> None:
        with self._lock:
            self.served.clear()
            self.misses = 0

    @property
    def requests(self) -> int:
        with self._lock:
            return sum(self.served.values())

    @property
    def duplicates(self) -> int:
        """Requests beyond the first for each distinct key."""
        with self._lock:
            return sum(n - 1 for n in self.served.values() if n > 1)

    def answer(self, key: Key, method: str, path: str, headers: dict[str, str],
               body: bytes) -> Canned:
        with self._lock:
            self.served[key] += 1
        if self.upstream is None:
            time.sleep(self.latency)
            found = self.canned.get(key)
            if found is None:
                with self._lock:
                    self.misses += 1
                return Canned(500, (("Content-Type", "text/plain"),), b"not recorded")
            return found
        conn = http.client.HTTPConnection(self.upstream.hostname or "127.0.0.1",
                                          self.upstream.port, timeout=60)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            kept = tuple((k, v) for k, v in resp.getheaders() if k.lower() not in SKIP_HEADERS)
        finally:
            conn.close()
        canned = Canned(resp.status, kept, data)
        with self._lock:
            self.canned[key] = canned
        return canned


class _Handler(BaseHTTPRequestHandler):
    proxy: ApiProxy
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # TCP_NODELAY: otherwise each response waits ~40 ms

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        key = request_key(self.command, self.path, self.headers.get("X-Amz-Target", ""), body,
                          self.headers.get("Authorization", ""))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in SKIP_HEADERS}
        canned = self.proxy.answer(key, self.command, self.path, headers, body)
        self.send_response(canned.status)
        for name, value in canned.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(canned.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(canned.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle
