"""Storage accounts: blob and container soft delete, blob versioning."""

from collections.abc import Iterator
from typing import Any

from checks.azure._util import GRAPH
from collector.cloud.azure import AzureContext
from collector.model import Result
from collector.plugin import check

API = "2023-05-01"


@check(
    id="azure_storage_soft_delete_versioning",
    criteria=("A1.2", "PI1.5"),
    permissions=(GRAPH, "Microsoft.Storage/storageAccounts/read",
                 "Microsoft.Storage/storageAccounts/blobServices/read"),
    scoping="global",
)
def storage_soft_delete_versioning(
    ctx: AzureContext, *, min_days: int = 7, require_versioning: bool = True
) -> Iterator[Result]:
    """Storage accounts keep deleted blobs and containers recoverable and version blobs.

    One result per storage account with a blob service (ARM blobServices/default). Fails when
    blob or container soft delete is off or keeps deletions fewer than `min_days` days, or
    (unless `require_versioning` is false) blob versioning is off.
    """
    kinds = ("StorageV2", "BlobStorage", "BlockBlobStorage", "Storage")
    for account in ctx.resources("Microsoft.Storage/storageAccounts"):
        if account.get("kind") and account["kind"] not in kinds:
            continue  # FileStorage accounts have no blob service
        svc = ctx.arm(f"{account['id']}/blobServices/default", API) or {}
        p = svc.get("properties") or {}
        problems = [
            *_retention(p.get("deleteRetentionPolicy"), "blob soft delete", min_days),
            *_retention(p.get("containerDeleteRetentionPolicy"), "container soft delete",
                        min_days),
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
