"""IAM: user-managed service account keys are young (rotated)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from checks.gcp._assets import LIST_RESOURCE, data, parse_time, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check


@check(
    id="gcp_sa_user_managed_keys",
    criteria=("CC6.1", "CC6.2"),
    permissions=(LIST_RESOURCE,),
)
def sa_user_managed_keys(ctx: GcpApi, *, max_age_days: int = 90) -> Iterator[Result]:
    """User-managed service account keys are younger than the maximum age.

    One result per user-managed key (ServiceAccountKey assets, resource: the key's full
    name). An enabled key older than `max_age_days` (from `validAfterTime`) fails, as does one
    whose creation time is unknown; disabled keys and expired keys (`validBeforeTime` passed:
    iam.v1 "the key can be used before this timestamp") pass. Google-managed (SYSTEM_MANAGED)
    keys rotate automatically and are not judged.
    Key usage (Policy Analyzer's last authentication) is not read: that needs the Policy
    Analyzer activity API, which Cloud Asset Inventory does not serve.

    How to fix: Rotate or delete user-managed service account keys older than the maximum age;
        prefer workload identity federation.
    Console: IAM & Admin > Service accounts > account > Keys > Delete
    CLI: gcloud iam service-accounts keys delete <key-id> --iam-account <sa-email>
    Docs: https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys
    """
    now = datetime.now(UTC)
    for key in ctx.assets("iam.googleapis.com/ServiceAccountKey"):
        d = data(key)
        if d.get("keyType", "USER_MANAGED") != "USER_MANAGED":
            continue
        if d.get("disabled"):
            yield verdict(ctx, key, True, "the key is disabled", "")
            continue
        expires = parse_time(d.get("validBeforeTime"))
        if expires is not None and expires <= now:
            yield verdict(ctx, key, True, f"the key expired at {d.get('validBeforeTime')}", "")
            continue
        created = parse_time(d.get("validAfterTime"))
        if created is None:
            yield verdict(ctx, key, False, "", "the key's creation time is unknown")
            continue
        age = (now - created).days
        yield verdict(ctx, key, age <= max_age_days, f"created {age} days ago",
                      f"created {age} days ago (maximum {max_age_days}); rotate or delete it")
