"""Storage accounts: HTTPS only, TLS 1.2 or later."""

from collections.abc import Iterator

from checks.azure._util import GRAPH, props, tls_at_least_12
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check


@check(
    id="azure_storage_secure_transfer_and_tls12",
    criteria=("CC6.7",),
    permissions=(GRAPH, "Microsoft.Storage/storageAccounts/read"),
)
def storage_secure_transfer_and_tls12(ctx: AzureApi) -> Iterator[Result]:
    """Storage accounts accept only HTTPS (secure transfer) with TLS 1.2 or later.

    One result per storage account (Resource Graph). Passes when supportsHttpsTrafficOnly is
    true and minimumTlsVersion is TLS1_2 or later; fails otherwise (an absent minimum means
    TLS 1.0 is accepted, failing).

    How to fix: Require secure transfer (HTTPS) and a minimum TLS version of 1.2.
    Console: Storage account > Settings > Configuration > Secure transfer required; Minimum TLS
        version
    CLI: az storage account update --name <account> --resource-group <rg> --https-only true
        --min-tls-version TLS1_2
    Docs: https://learn.microsoft.com/azure/storage/common/storage-require-secure-transfer
    """
    for account in ctx.resources("Microsoft.Storage/storageAccounts"):
        p = props(account)
        problems = []
        if p.get("supportsHttpsTrafficOnly") is not True:
            problems.append("HTTP (insecure transfer) is accepted")
        if not tls_at_least_12(p.get("minimumTlsVersion")):
            problems.append(f"minimum TLS version is {p.get('minimumTlsVersion') or 'TLS1_0'}")
        yield Result.of(account["id"], not problems,
                        f"HTTPS only, minimum TLS {p.get('minimumTlsVersion')}",
                        "; ".join(problems))
