"""A local Azure over HTTPS: Entra token endpoint, ARM, Resource Graph and Microsoft Graph.

Used by `evidence demo` and by the test suite (with a trustme certificate). It serves an
`Estate` — plain JSON, as the services would answer — through the real SDK clients:

- `/{tenant}/v2.0/.well-known/openid-configuration`, `/{tenant}/oauth2/v2.0/token`: an Entra
  authority issuing unsigned JWT access tokens (claims tid, oid, appid);
- `GET /subscriptions[/{id}]`; `POST /providers/Microsoft.ResourceGraph/resources` answering
  queries of the form `<table> | where type in~ ('<type>', …) …` (objectArray, `$skipToken`
  paging); any other `GET /subscriptions/…` path from `Estate.arm` (lists paged on `nextLink`);
- `GET /v1.0/…` from `Estate.graph` (collections paged on `@odata.nextLink`).
A subscription in `Estate.forbidden`, or a path in `Estate.denied`, answers 403
AuthorizationFailed in ARM's own error shape; `AzureFake.log` lists every request answered.
"""

from __future__ import annotations

import base64
import json
import re
import ssl
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

QUERY = re.compile(r"^\s*(\w+)\s*\|\s*where\s+type\s+in~\s*\(([^)]*)\)", re.I)


@dataclass(frozen=True)
class FakeError:
    """An error answer for one path."""

    status: int
    code: str
    message: str = ""


@dataclass
class Estate:
    """What the fake cloud contains. Paths are matched case-insensitively, without query."""

    tenant_id: str
    subscriptions: dict[str, str] = field(default_factory=dict)
    """Subscription id -> display name."""
    sub_tenants: dict[str, str] = field(default_factory=dict)
    """Subscription id -> its tenant, where it is not `tenant_id`."""
    rows: list[dict[str, Any]] = field(default_factory=list)
    """Resource Graph rows; key `table` (default "resources") says which table holds them."""
    arm: dict[str, Any] = field(default_factory=dict)
    """ARM path -> body (or FakeError). Bodies with a `value` list are paged."""
    graph: dict[str, Any] = field(default_factory=dict)
    """Microsoft Graph path (from /v1.0) -> body (or FakeError)."""
    forbidden: set[str] = field(default_factory=set)
    """Subscriptions this identity may not read (403 AuthorizationFailed)."""
    denied: set[str] = field(default_factory=set)
    """ARM paths (case-insensitive, without query) this identity may not read: 403
    AuthorizationFailed naming the path as the scope, as ARM answers a missing role."""
    bad_secret: str = "wrong-secret"
    """A client secret the authority rejects."""

    def add(self, row: dict[str, Any], table: str = "resources") -> dict[str, Any]:
        self.rows.append({**row, "table": table})
        return row


def resource(sub: str, group: str, rtype: str, name: str, properties: dict[str, Any] | None = None,
             *, location: str = "eastus", **extra: Any) -> dict[str, Any]:
    """A Resource Graph row. `rtype` like "Microsoft.Sql/servers/databases" and `name` like
    "srv/db" (one segment per child type)."""
    provider, *types = rtype.split("/")
    names = name.split("/")
    path = "/".join(f"{t}/{n}" for t, n in zip(types, names, strict=True))
    rid = f"/subscriptions/{sub}/resourceGroups/{group}/providers/{provider}/{path}"
    return {"id": rid, "name": names[-1], "type": rtype.lower(), "location": location,
            "resourceGroup": group, "subscriptionId": sub, "properties": properties or {},
            **extra}


def jwt(claims: dict[str, Any]) -> str:
    """An unsigned JWT (clients never verify access tokens; they are opaque to them)."""
    def part(d: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.sig"


class AzureFake:
    """The HTTPS server. `requests` counts (method, kind) of every request answered."""

    def __init__(self, estate: Estate, ssl_context: ssl.SSLContext, *, page_size: int = 1000,
                 host: str = "127.0.0.1") -> None:
        self.estate = estate
        self.page_size = page_size
        self.requests: Counter[tuple[str, str]] = Counter()
        self.log: list[tuple[str, str]] = []
        """(method, path) of every request answered, in order."""
        self.urls: list[str] = []
        """The full target (path and query, e.g. api-version) of every GET answered."""
        self._lock = threading.Lock()
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"https://{host!s}:{port}"

    def start(self) -> AzureFake:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self, estate: Estate | None = None) -> None:
        with self._lock:
            if estate is not None:
                self.estate = estate
            self.requests.clear()
            self.log.clear()
            self.urls.clear()

    def count(self, method: str, kind: str, path: str, url: str = "") -> None:
        with self._lock:
            self.requests[(method, kind)] += 1
            self.log.append((method, path))
            if url:
                self.urls.append(url)


class _Handler(BaseHTTPRequestHandler):
    server_fake: AzureFake
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # -- plumbing ---------------------------------------------------------------------
    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-ms-request-id", "fake")
        self.end_headers()
        self.wfile.write(data)

    def _error(self, err: FakeError) -> None:
        self._send(err.status, {"error": {"code": err.code, "message": err.message or err.code}})

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _authorised(self) -> bool:
        if (self.headers.get("Authorization") or "").startswith("Bearer "):
            return True
        self._error(FakeError(401, "AuthenticationFailed", "no bearer token"))
        return False

    # -- routes -----------------------------------------------------------------------
    def do_GET(self) -> None:
        fake, estate = self.server_fake, self.server_fake.estate
        url = urlsplit(self.path)
        path, query = url.path.rstrip("/"), parse_qs(url.query)
        if path.endswith("/v2.0/.well-known/openid-configuration"):
            fake.count("GET", "authority", path)
            tenant = path.split("/")[1]
            base = f"{fake.url}/{tenant}"
            self._send(200, {"token_endpoint": f"{base}/oauth2/v2.0/token",
                             "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                             "issuer": f"{base}/v2.0", "tenant_region_scope": "NA",
                             "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode"})
            return
        kind = "graph" if path.startswith("/v1.0/") or path.startswith("/beta/") else "arm"
        fake.count("GET", kind, path, self.path)
        if not self._authorised():
            return
        if kind == "graph":
            self._page(_lookup(estate.graph, path),
                       "@odata.nextLink", query)
            return
        parts = path.split("/")
        if path == "/subscriptions":
            subs = [self._sub(s) for s in sorted(estate.subscriptions)]
            self._page({"value": subs}, "nextLink", query)
            return
        sub = parts[2] if len(parts) > 2 and parts[1] == "subscriptions" else ""
        if sub and sub not in estate.subscriptions:
            self._error(FakeError(404, "SubscriptionNotFound",
                                  f"The subscription '{sub}' could not be found."))
        elif sub in estate.forbidden:
            self._error(_denied(sub))
        elif path.lower() in {d.lower().rstrip("/") for d in estate.denied}:
            self._error(_denied(sub, path))
        elif len(parts) == 3:
            self._send(200, self._sub(sub))
        else:
            self._page(_lookup(estate.arm, path), "nextLink", query)

    def do_POST(self) -> None:
        fake, estate = self.server_fake, self.server_fake.estate
        path = urlsplit(self.path).path
        body = self._body()
        if path.endswith("/oauth2/v2.0/token"):
            fake.count("POST", "token", path)
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            if form.get("client_secret") == estate.bad_secret:
                self._send(401, {"error": "invalid_client",
                                 "error_description": "AADSTS7000215: Invalid client secret"})
                return
            tenant = path.split("/")[1]
            claims = {"tid": tenant, "oid": f"oid-{form.get('client_id', 'x')}",
                      "appid": form.get("client_id", "x")}
            self._send(200, {"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600,
                             "access_token": jwt(claims)})
            return
        if path.lower() != "/providers/microsoft.resourcegraph/resources":
            fake.count("POST", "other", path)
            self._error(FakeError(404, "NotFound", path))
            return
        fake.count("POST", "resourcegraph", path)
        if not self._authorised():
            return
        self._graph_query(json.loads(body or b"{}"))

    # -- services ---------------------------------------------------------------------
    def _sub(self, sub: str) -> dict[str, Any]:
        estate = self.server_fake.estate
        return {"id": f"/subscriptions/{sub}", "subscriptionId": sub,
                "displayName": estate.subscriptions[sub], "state": "Enabled",
                "tenantId": estate.sub_tenants.get(sub, estate.tenant_id)}

    def _graph_query(self, req: dict[str, Any]) -> None:
        estate = self.server_fake.estate
        subs = [str(s) for s in req.get("subscriptions") or []]
        for sub in subs:
            if sub in estate.forbidden:
                self._error(_denied(sub))
                return
        match = QUERY.match(str(req.get("query", "")))
        if not match:
            self._error(FakeError(400, "BadRequest", "the fake understands only "
                                  "`<table> | where type in~ (...)` queries"))
            return
        table = match.group(1).lower()
        types = {t.strip().strip("'\"").lower() for t in match.group(2).split(",")}
        rows = sorted((r for r in estate.rows if r.get("table", "resources") == table
                       and str(r.get("type", "")).lower() in types
                       and r.get("subscriptionId") in subs), key=lambda r: str(r["id"]))
        options = req.get("options") or {}
        start = int(options.get("$skipToken") or 0)
        size = min(int(options.get("$top") or 1000), self.server_fake.page_size)
        page = [{k: v for k, v in r.items() if k != "table"} for r in rows[start:start + size]]
        out: dict[str, Any] = {"totalRecords": len(rows), "count": len(page),
                               "resultTruncated": "false", "data": page, "facets": []}
        if start + size < len(rows):
            out["$skipToken"] = str(start + size)
        self._send(200, out)

    def _page(self, body: Any, next_key: str, query: dict[str, list[str]]) -> None:
        if isinstance(body, FakeError):
            self._error(body)
            return
        if body is None:
            self._error(FakeError(404, "ResourceNotFound", f"{urlsplit(self.path).path} not found"))
            return
        if not (isinstance(body, dict) and isinstance(body.get("value"), list)):
            self._send(200, body)
            return
        size = self.server_fake.page_size
        start = int((query.get("$skiptoken") or ["0"])[0])
        out = {**body, "value": body["value"][start:start + size]}
        if start + size < len(body["value"]):
            base = re.sub(r"[?&]\$skiptoken=\d+", "", self.path)
            join = "&" if "?" in base else "?"
            out[next_key] = f"{self.server_fake.url}{base}{join}$skiptoken={start + size}"
        self._send(200, out)


def _lookup(table: dict[str, Any], path: str) -> Any:
    wanted = path.lower()
    for key, value in table.items():
        if key.lower() == wanted:
            return value
    return None


def _denied(sub: str, scope: str = "") -> FakeError:
    """ARM's answer to a caller without the role: 403, code AuthorizationFailed."""
    return FakeError(403, "AuthorizationFailed",
                     "The client 'evidence' with object id 'oid-evidence' does not have "
                     "authorization to perform action 'read' over scope "
                     f"'{scope or '/subscriptions/' + sub}' or the scope is invalid. If access "
                     "was recently granted, please refresh your credentials.")
