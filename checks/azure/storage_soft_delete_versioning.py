"""Storage accounts: blob and container soft delete, blob versioning."""

from collections.abc import Iterator
from typing import Any

from checks.azure._util import GRAPH
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check, each

API = "2023-05-01"
"""Microsoft.Storage blobServices (stable)."""
BLOB_KINDS = ("StorageV2", "BlobStorage", "BlockBlobStorage", "Storage")


@check(
    id="azure_storage_soft_delete_versioning",
    criteria=("A1.2", "PI1.5"),
    permissions=(GRAPH, "Microsoft.Storage/storageAccounts/read",
                 "Microsoft.Storage/storageAccounts/blobServices/read"),
)
def storage_soft_delete_versioning(
    ctx: AzureApi, *, min_days: int = 7, require_versioning: bool = True
) -> Iterator[Result]:
    """Storage accounts keep deleted blobs and containers recoverable and version blobs.

    One result per storage account with a blob service (ARM blobServices/default). Passes when
    blob and container soft delete are enabled for at least `min_days` days and (unless
    `require_versioning` is false) blob versioning is on; fails otherwise. FileStorage accounts
    (no blob service) get no result. An account whose blob service cannot be read gets an
    `error` result; the other accounts keep theirs.

    How to fix: Turn on blob soft delete, container soft delete and blob versioning with enough
        retention days.
    Console: Storage account > Data management > Data protection
    CLI: az storage account blob-service-properties update --account-name <account> --resource-group
        <rg> --enable-delete-retention true --delete-retention-days 14
        --enable-container-delete-retention true --container-delete-retention-days 14
        --enable-versioning true
    Docs: https://learn.microsoft.com/azure/storage/blobs/soft-delete-blob-enable
    """
    accounts = [a for a in ctx.resources("Microsoft.Storage/storageAccounts")
                if not a.get("kind") or a["kind"] in BLOB_KINDS]
    yield from each(accounts, resource=lambda a: a["id"],
                    judge=lambda a: _judge(ctx, a, min_days, require_versioning))


def _judge(ctx: AzureApi, account: dict[str, Any], min_days: int,
           require_versioning: bool) -> Iterator[Result]:
    svc = ctx.arm(f"{account['id']}/blobServices/default", API) or {}
    p = svc.get("properties") or {}
    problems = [
        *_retention(p.get("deleteRetentionPolicy"), "blob soft delete", min_days),
        *_retention(p.get("containerDeleteRetentionPolicy"), "container soft delete", min_days),
    ]
    if require_versioning and p.get("isVersioningEnabled") is not True:
        problems.append("blob versioning is off")
    yield Result.of(account["id"], not problems,
                    f"blob and container soft delete >= {min_days} days"
                    + (", versioning on" if require_versioning else ""),
                    "; ".join(problems))


def _retention(policy: Any, what: str, min_days: int) -> list[str]:
    policy = policy or {}
    if policy.get("enabled") is not True:
        return [f"{what} is off"]
    days = int(policy.get("days") or 0)
    return [f"{what} keeps {days} days (< {min_days})"] if days < min_days else []
