"""Storage accounts: encryption with a customer-managed key."""

from collections.abc import Iterator

from checks.azure._util import GRAPH, props
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check


@check(
    id="azure_storage_cmk_encryption",
    criteria=("CC6.1", "C1.1"),
    permissions=(GRAPH, "Microsoft.Storage/storageAccounts/read"),
)
def storage_cmk_encryption(ctx: AzureApi) -> Iterator[Result]:
    """Storage accounts encrypt data with a customer-managed key in Key Vault.

    One result per storage account (Resource Graph). Azure Storage always encrypts with
    platform-managed keys; this check passes only when encryption.keySource is
    Microsoft.Keyvault (a customer-managed key) and fails otherwise (absent = Microsoft.Storage).
    Infrastructure (double) encryption is reported in the message, not judged.

    How to fix: Configure the storage account's encryption with a customer-managed key in Key Vault.
    Console: Storage account > Security + networking > Encryption > Customer-managed keys
    CLI: az storage account update --name <account> --resource-group <rg> --encryption-key-source
        Microsoft.Keyvault --encryption-key-vault <vault-uri> --encryption-key-name <key>
    Docs: https://learn.microsoft.com/azure/storage/common/customer-managed-keys-configure-existing-account
    """
    for account in ctx.resources("Microsoft.Storage/storageAccounts"):
        enc = props(account).get("encryption") or {}
        source = enc.get("keySource") or "Microsoft.Storage"
        double = " with infrastructure encryption" if enc.get(
            "requireInfrastructureEncryption") else ""
        yield Result.of(account["id"], str(source).lower() == "microsoft.keyvault",
                        f"encrypted with a customer-managed Key Vault key{double}",
                        f"encrypted with platform-managed keys only (keySource {source})")
