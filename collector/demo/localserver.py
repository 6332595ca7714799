"""The lifecycle shared by the local servers of the demo, the tests and the benchmarks."""

from __future__ import annotations

import socketserver
import threading
from typing import Any, Self


class LocalServer:
    """A server on 127.0.0.1 answering from a daemon thread: `start()`, `endpoint`, `stop()`."""

    def __init__(self, server: socketserver.BaseServer, scheme: str = "http") -> None:
        self._server = server
        self._scheme = scheme
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        address: Any = self._server.server_address  # (host, port) for the TCP servers used here
        return f"{self._scheme}://{address[0]!s}:{address[1]}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
