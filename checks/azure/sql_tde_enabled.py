"""Azure SQL: transparent data encryption on every user database."""

from collections.abc import Iterator
from typing import Any

from checks.azure._util import GRAPH, parent_of
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check, each

API = "2021-11-01"
"""Microsoft.Sql transparentDataEncryption / encryptionProtector (stable)."""


@check(
    id="azure_sql_tde_enabled",
    criteria=("CC6.1", "C1.1"),
    permissions=(GRAPH, "Microsoft.Sql/servers/databases/read",
                 "Microsoft.Sql/servers/databases/transparentDataEncryption/read",
                 "Microsoft.Sql/servers/encryptionProtector/read"),
)
def sql_tde_enabled(ctx: AzureApi, *, require_cmk: bool = False) -> Iterator[Result]:
    """Azure SQL user databases are encrypted at rest with transparent data encryption.

    One result per user database (master is excluded). Passes when the TDE state is Enabled
    and, with `require_cmk`, the server's encryption protector is a Key Vault key (serverKeyType
    AzureKeyVault); fails otherwise (an unreadable state is "unknown", failing). A database
    whose TDE or protector cannot be read gets an `error` result; the others keep theirs.

    How to fix: Turn on transparent data encryption for the database (and use a Key Vault protector
        if customer-managed keys are required).
    Console: SQL database > Security > Transparent data encryption
    CLI: az sql db tde set --database <db> --server <server> --resource-group <rg> --status Enabled
    Docs: https://learn.microsoft.com/azure/azure-sql/database/transparent-data-encryption-tde-overview
    """
    dbs = [db for db in ctx.resources("Microsoft.Sql/servers/databases")
           if db.get("name") != "master"]
    yield from each(dbs, resource=lambda db: db["id"],
                    judge=lambda db: _judge(ctx, db, require_cmk))


def _judge(ctx: AzureApi, db: dict[str, Any], require_cmk: bool) -> Iterator[Result]:
    tde = ctx.arm(f"{db['id']}/transparentDataEncryption/current", API) or {}
    state = (tde.get("properties") or {}).get("state") or "unknown"
    problems = [] if state == "Enabled" else [f"TDE is {state}"]
    key = ""
    if require_cmk:
        prot = ctx.arm(f"{parent_of(db['id'])}/encryptionProtector/current", API) or {}
        key = (prot.get("properties") or {}).get("serverKeyType") or "ServiceManaged"
        if key != "AzureKeyVault":
            problems.append(f"the encryption protector is {key}, not a Key Vault key")
    yield Result.of(db["id"], not problems,
                    "TDE enabled" + (f" with an {key} protector" if key else ""),
                    "; ".join(problems))
