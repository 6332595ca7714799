"""Key Vault: soft delete and purge protection."""

from collections.abc import Iterator

from checks.azure._util import GRAPH, props
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check


@check(
    id="azure_keyvault_recoverable",
    criteria=("CC6.1", "A1.2"),
    permissions=(GRAPH, "Microsoft.KeyVault/vaults/read"),
)
def keyvault_recoverable(ctx: AzureApi) -> Iterator[Result]:
    """Key vaults keep deleted keys and secrets recoverable (soft delete and purge protection).

    One result per vault (Resource Graph). Passes when soft delete is on (it is unless
    enableSoftDelete is false; it cannot be turned off on new vaults) and enablePurgeProtection
    is true; fails otherwise (an absent purge protection is off). No vault: no result.

    How to fix: Turn on purge protection (soft delete is on by default and cannot be turned off).
    Console: Key Vault > vault > Properties > Purge protection > Enable
    CLI: az keyvault update --name <vault> --resource-group <rg> --enable-purge-protection true
    Docs: https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview
    """
    for vault in ctx.resources("Microsoft.KeyVault/vaults"):
        p = props(vault)
        problems = []
        if p.get("enableSoftDelete") is False:
            problems.append("soft delete is off")
        if p.get("enablePurgeProtection") is not True:
            problems.append("purge protection is off")
        days = p.get("softDeleteRetentionInDays") or 90
        yield Result.of(vault["id"], not problems,
                        f"soft delete ({days} days) and purge protection enabled",
                        "; ".join(problems))
