"""Storage accounts: no anonymous blob access; network access denied by default."""

from collections.abc import Iterator

from checks.azure._util import GRAPH, props
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check


@check(
    id="azure_storage_no_public_blob_access",
    criteria=("CC6.1", "CC6.6"),
    permissions=(GRAPH, "Microsoft.Storage/storageAccounts/read"),
)
def storage_no_public_blob_access(
    ctx: AzureApi, *, require_network_restriction: bool = True
) -> Iterator[Result]:
    """Storage accounts allow no anonymous blob access and deny network access by default.

    One result per storage account (Resource Graph). Passes when allowBlobPublicAccess is false
    and, unless `require_network_restriction` is false, publicNetworkAccess is Disabled or
    networkAcls.defaultAction is Deny. Fails otherwise; an absent allowBlobPublicAccess fails
    (accounts created before 2023 allow anonymous access when it is absent).

    How to fix: Disallow anonymous blob access and set the network default action to Deny (allow
        selected networks or private endpoints).
    Console: Storage account > Settings > Configuration > Allow Blob anonymous access: Disabled;
        Networking > Public network access
    CLI: az storage account update --name <account> --resource-group <rg> --allow-blob-public-access
        false --default-action Deny
    Docs: https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent
    """
    for account in ctx.resources("Microsoft.Storage/storageAccounts"):
        p = props(account)
        problems = []
        if p.get("allowBlobPublicAccess") is not False:
            problems.append("anonymous (public) blob access is allowed")
        acls = p.get("networkAcls") or {}
        open_network = (p.get("publicNetworkAccess") != "Disabled"
                        and acls.get("defaultAction") != "Deny")
        if require_network_restriction and open_network:
            problems.append("reachable from all networks (network default action Allow)")
        yield Result.of(account["id"], not problems,
                        "no anonymous blob access; network access restricted"
                        if require_network_restriction else "no anonymous blob access",
                        "; ".join(problems))
