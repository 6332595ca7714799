"""Cloud Storage: deleted or overwritten objects can be recovered."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, as_bool, as_int, data, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check


@check(
    id="gcp_storage_bucket_versioning_or_soft_delete",
    criteria=("A1.2", "PI1.5"),
    permissions=(LIST_RESOURCE,),
)
def storage_bucket_versioning_or_soft_delete(ctx: GcpApi) -> Iterator[Result]:
    """Cloud Storage buckets keep deleted objects: object versioning or soft delete is on.

    One result per bucket. Passes when `versioning.enabled` is true or the soft-delete policy
    keeps deleted objects for more than zero seconds
    (`softDeletePolicy.retentionDurationSeconds`; Google's default is 7 days); fails when
    neither is, including when the soft-delete policy is absent (unknown is not on).

    How to fix: Turn on object versioning or a soft delete policy on the bucket.
    Console: Cloud Storage > bucket > Protection > Object versioning / Soft delete policy
    CLI: gcloud storage buckets update gs://<bucket> --versioning
    Docs: https://cloud.google.com/storage/docs/soft-delete
    """
    for bucket in ctx.assets("storage.googleapis.com/Bucket"):
        d = data(bucket)
        versioning = as_bool((d.get("versioning") or {}).get("enabled"))
        soft = as_int((d.get("softDeletePolicy") or {}).get("retentionDurationSeconds")) or 0
        kept = []
        if versioning:
            kept.append("object versioning is enabled")
        if soft > 0:
            kept.append(f"soft delete keeps objects {soft // 86400} days")
        yield verdict(ctx, bucket, bool(kept), "; ".join(kept),
                      "neither object versioning nor soft delete is enabled")
