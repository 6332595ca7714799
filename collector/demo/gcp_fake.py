"""A local Cloud Asset API (REST) over real HTTP, for `evidence demo` and the test suite.

It serves what the real `AssetServiceClient` (REST transport) asks of `ListAssets`:
`GET /v1/{parent}/assets?assetTypes=…&contentType=<int>&pageSize=…&pageToken=…` with
`nextPageToken` paging, for parents `organizations/N`, `folders/N`, `projects/ID|N` (an asset
is in a parent when the parent is one of its `ancestors`). Content types: 1 RESOURCE,
2 IAM_POLICY, 4 ORG_POLICY. It also answers the two token exchanges google-auth makes (a
service-account JWT grant at `/token`, IAM Credentials `generateAccessToken`), so tests can
drive the real credential paths. Faults: 403 PERMISSION_DENIED per asset type, 403
SERVICE_DISABLED for the whole API, 503s before success. Standard library only.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

CONTENT_KEYS = {1: "resource", 2: "iamPolicy", 4: "orgPolicy"}
NAMES = {"RESOURCE": 1, "IAM_POLICY": 2, "ORG_POLICY": 4}


@dataclass(frozen=True)
class Served:
    """One request the fake answered."""

    method: str
    path: str
    asset_types: tuple[str, ...]
    content_type: int
    page_token: str
    authorization: str


@dataclass
class FakeState:
    """What the fake serves and which faults it injects (mutable between tests)."""

    assets: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 3
    """Server-side page limit, small so that paging is exercised."""
    deny: set[str] = field(default_factory=set)
    """Asset types answered with 403 PERMISSION_DENIED."""
    service_disabled: bool = False
    unavailable: dict[str, int] = field(default_factory=dict)
    """Asset type -> how many 503s to answer before succeeding."""


class GcpFake:
    """`GcpFake(assets).start()`; `.endpoint` for `gcp.endpoint`; `.requests` to count."""

    def __init__(self, assets: Iterable[Mapping[str, Any]] = (), *, page_size: int = 3) -> None:
        self.state = FakeState([dict(a) for a in assets], page_size)
        self.requests: list[Served] = []
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> GcpFake:
        fake = self

        class Handler(_Handler):
            owner = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True,
                         name="gcp-fake").start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def endpoint(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def reset(self, assets: Iterable[Mapping[str, Any]] = (), *, page_size: int = 3) -> None:
        with self.lock:
            self.state = FakeState([dict(a) for a in assets], page_size)
            self.requests.clear()

    def list_requests(self) -> list[Served]:
        with self.lock:
            return [r for r in self.requests if r.path.endswith("/assets")]

    # -- answers -------------------------------------------------------------------------
    def list_assets(self, parent: str, query: Mapping[str, list[str]],
                    auth: str = "") -> tuple[int, Any]:
        types = tuple(query.get("assetTypes", []))
        content = int((query.get("contentType") or ["0"])[0])
        token = (query.get("pageToken") or [""])[0]
        with self.lock:
            state = self.state
            served = Served("GET", f"/v1/{parent}/assets", types, content, token, auth)
            self.requests.append(served)
            if state.service_disabled:
                return 403, _service_disabled()
            for t in types:
                if t in state.deny:
                    return 403, _error(403, "PERMISSION_DENIED", "IAM_PERMISSION_DENIED",
                                       f"The caller does not have permission "
                                       f"cloudasset.assets.list* on {parent} for {t}")
                if state.unavailable.get(t, 0) > 0:
                    state.unavailable[t] -= 1
                    return 503, _error(503, "UNAVAILABLE", "", "The service is unavailable.")
            key = CONTENT_KEYS.get(content)
            if key is None:
                return 400, _error(400, "INVALID_ARGUMENT", "", "contentType is required here")
            wanted = _resolve(parent, state.assets)
            if wanted is None:
                return 404, _error(404, "NOT_FOUND", "", f"{parent} not found")
            matching = [
                _shape(a, key) for a in state.assets
                if wanted in (a.get("ancestors") or []) and (not types or a["assetType"] in types)
                and a.get(key) is not None
            ]
            size = min(state.page_size, int((query.get("pageSize") or ["1000"])[0]) or 1000)
        start = int(token or 0)
        body: dict[str, Any] = {"readTime": "2026-01-01T00:00:00Z",
                                "assets": matching[start:start + size]}
        if start + size < len(matching):
            body["nextPageToken"] = str(start + size)
        return 200, body


def _resolve(parent: str, assets: list[dict[str, Any]]) -> str | None:
    """`projects/<id>` -> `projects/<number>` (ancestors use numbers); others as given."""
    kind, _, ident = parent.partition("/")
    if kind != "projects" or ident.isdigit():
        return parent
    for a in assets:
        data = (a.get("resource") or {}).get("data") or {}
        if a.get("assetType") == "cloudresourcemanager.googleapis.com/Project" and \
                data.get("projectId") == ident:
            return f"projects/{int(data['projectNumber'])}"
    return None


def _shape(asset: Mapping[str, Any], key: str) -> dict[str, Any]:
    out = {k: asset[k] for k in ("name", "assetType", "ancestors", "updateTime") if k in asset}
    out[key] = asset[key]
    return out


def _error(code: int, status: str, reason: str, message: str,
           metadata: Mapping[str, str] | None = None) -> dict[str, Any]:
    details = []
    if reason:
        details.append({"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
                        "domain": "cloudasset.googleapis.com", "metadata": dict(metadata or {})})
    return {"error": {"code": code, "message": message, "status": status, "details": details}}


def _service_disabled() -> dict[str, Any]:
    body = _error(403, "PERMISSION_DENIED", "SERVICE_DISABLED", (
        "Cloud Asset API has not been used in project 100000000001 before or it is disabled. "
        "Enable it by visiting https://console.developers.google.com/apis/api/"
        "cloudasset.googleapis.com/overview?project=100000000001 then retry."),
        {"consumer": "projects/100000000001", "service": "cloudasset.googleapis.com"})
    body["error"]["details"][0]["domain"] = "googleapis.com"
    return body


class _Handler(BaseHTTPRequestHandler):
    owner: GcpFake
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the fake's log is `GcpFake.requests`."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path.startswith("/v1/") and path.endswith("/assets"):
            code, body = self.owner.list_assets(path[len("/v1/"):-len("/assets")],
                                                parse_qs(parts.query),
                                                self.headers.get("Authorization", ""))
            self._reply(code, body)
            return
        self._reply(404, _error(404, "NOT_FOUND", "", f"no route for {path}"))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        path = urlsplit(self.path).path
        if path == "/token":  # service-account JWT bearer grant (google-auth)
            self._reply(200, {"access_token": "fake-sa-token", "expires_in": 3600,
                              "token_type": "Bearer"})
        elif path.endswith(":generateAccessToken"):  # IAM Credentials (impersonation)
            self._reply(200, {"accessToken": "fake-impersonated-token",
                              "expireTime": "2099-01-01T00:00:00Z"})
        else:
            self._reply(404, _error(404, "NOT_FOUND", "", f"no route for {path}"))

    def _reply(self, code: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
