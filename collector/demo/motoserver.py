"""An in-process moto server over real HTTP, with an optional log of the requests it served.

Used by `evidence demo` and by the test suite (which counts requests at the server).
Requires the `demo` extra (moto[server]).
"""

from __future__ import annotations

import io
import logging
import threading
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from collector.demo.localserver import LocalServer


@dataclass(frozen=True)
class ServedRequest:
    """One request as moto received it: enough to tell two identical requests apart."""

    method: str
    region: str
    """From the SigV4 credential scope: requests to two regions differ only there."""
    host: str
    path: str
    query: str
    target: str
    body: bytes

    @property
    def operation(self) -> str:
        """Best-effort API operation name (X-Amz-Target, Action= or the path)."""
        if self.target:
            return self.target.rsplit(".", 1)[-1]
        for source in (self.query, self.body.decode("utf-8", "replace")):
            for part in source.split("&"):
                if part.startswith("Action="):
                    return part[len("Action="):]
        return f"{self.method} {self.path}?{self.query}"


def _signed_region(authorization: str) -> str:
    # "AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/ec2/aws4_request, ..."
    scope = authorization.partition("Credential=")[2].split(",")[0].split("/")
    return scope[2] if len(scope) > 2 else ""


class _Recorder:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.requests: list[ServedRequest] = []
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/moto-api"):
            req = ServedRequest(
                environ.get("REQUEST_METHOD", ""),
                _signed_region(environ.get("HTTP_AUTHORIZATION", "")),
                environ.get("HTTP_HOST", ""),
                path,
                environ.get("QUERY_STRING", ""),
                environ.get("HTTP_X_AMZ_TARGET", ""),
                body,
            )
            with self.lock:
                self.requests.append(req)
        return self.app(environ, start_response)


class MotoServer(LocalServer):
    """Start with `start()`; `endpoint` is its URL; `reset()` clears all state and the log."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        from moto.server import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._recorder = _Recorder(DomainDispatcherApplication(create_backend_app))
        super().__init__(make_server(host, port, self._recorder, threaded=True))

    @property
    def requests(self) -> list[ServedRequest]:
        with self._recorder.lock:
            return list(self._recorder.requests)

    def clear_log(self) -> None:
        with self._recorder.lock:
            self._recorder.requests.clear()

    def reset(self) -> None:
        """Forget every resource (POST /moto-api/reset) and the request log."""
        req = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(req, timeout=10):
            pass
        self.clear_log()

    def set_iam_enforcement(self, on: bool) -> None:
        """Turn moto's IAM policy enforcement on (after creating the principals) or off."""
        req = urllib.request.Request(
            f"{self.endpoint}/moto-api/reset-auth",
            method="POST",
            data=b"0" if on else b"inf",
            headers={"Content-Type": "text/plain"},
        )
        with urllib.request.urlopen(req, timeout=10):
            pass
