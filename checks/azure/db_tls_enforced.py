"""Database servers: TLS 1.2+ required, plain connections refused."""

from collections.abc import Iterator
from typing import Any

from checks.azure._util import GRAPH, props, tls_at_least_12
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check, each

PG, MYSQL = "Microsoft.DBforPostgreSQL/flexibleServers", "Microsoft.DBforMySQL/flexibleServers"
API = {PG.lower(): "2022-12-01", MYSQL.lower(): "2023-12-30"}
"""flexibleServers/configurations api-versions (both stable)."""


@check(
    id="azure_db_tls_enforced",
    criteria=("CC6.7",),
    permissions=(GRAPH, "Microsoft.Sql/servers/read",
                 "Microsoft.DBforPostgreSQL/flexibleServers/read",
                 "Microsoft.DBforPostgreSQL/flexibleServers/configurations/read",
                 "Microsoft.DBforMySQL/flexibleServers/read",
                 "Microsoft.DBforMySQL/flexibleServers/configurations/read"),
)
def db_tls_enforced(ctx: AzureApi) -> Iterator[Result]:
    """Database servers require TLS 1.2 or later and refuse unencrypted connections.

    One result per server. Azure SQL servers pass with minimalTlsVersion 1.2 or later (absent
    or "None" fails). PostgreSQL and MySQL flexible servers pass when the server parameter
    require_secure_transport is on and ssl_min_protocol_version (PostgreSQL) / tls_version
    (MySQL) allows only TLSv1.2 or later; a parameter that is absent is unknown and fails. A
    server whose parameters cannot be read gets an `error` result; the others keep theirs.

    How to fix: Require secure transport and a minimum TLS version of 1.2 on the server.
    Console: Azure Database for PostgreSQL/MySQL > server > Server parameters
        (require_secure_transport ON, ssl_min_protocol_version TLSv1.2)
    CLI: az postgres flexible-server parameter set --server-name <server> --resource-group <rg>
        --name require_secure_transport --value on
    Docs: https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-ssl-tls
    """
    for server in ctx.resources("Microsoft.Sql/servers"):
        tls = props(server).get("minimalTlsVersion")
        yield Result.of(server["id"], tls_at_least_12(tls), f"minimal TLS version {tls}",
                        f"minimal TLS version is {tls or 'not set (TLS 1.0 accepted)'}")
    yield from each(ctx.resources(PG, MYSQL), resource=lambda s: s["id"],
                    judge=lambda s: _flexible(ctx, s))


def _flexible(ctx: AzureApi, server: dict[str, Any]) -> Iterator[Result]:
    api = API[str(server["type"]).lower()]
    pg = str(server["type"]).lower() == PG.lower()
    secure = _param(ctx, server["id"], "require_secure_transport", api)
    problems = [] if secure.lower() == "on" else [
        f"require_secure_transport is {secure or 'unknown'}"]
    name = "ssl_min_protocol_version" if pg else "tls_version"
    versions = _param(ctx, server["id"], name, api)
    weak = [v for v in versions.split(",") if v.strip() and not tls_at_least_12(v)]
    if weak or not versions:
        problems.append(f"{name} allows {versions or 'unknown versions'}")
    yield Result.of(server["id"], not problems,
                    f"secure transport required; {name} {versions}", "; ".join(problems))


def _param(ctx: AzureApi, server: str, name: str, api: str) -> str:
    conf = ctx.arm(f"{server}/configurations/{name}", api, absent=("ResourceNotFound",)) or {}
    return str((conf.get("properties") or {}).get("value") or "")
