"""Cloud KMS: symmetric keys rotate automatically within the maximum period."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, data, duration_seconds, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check


@check(
    id="gcp_kms_key_rotation",
    criteria=("CC6.1",),
    permissions=(LIST_RESOURCE,),
)
def kms_key_rotation(ctx: GcpApi, *, max_days: int = 90) -> Iterator[Result]:
    """Cloud KMS encryption keys rotate automatically at least every `max_days` days.

    One result per ENCRYPT_DECRYPT CryptoKey (resource: its full name). Passes when
    `rotationPeriod` is at most `max_days` and `nextRotationTime` is set; fails when either is
    missing or the period is longer. A key without `purpose` is judged as ENCRYPT_DECRYPT.
    Asymmetric, raw and MAC keys cannot rotate automatically and are not judged.

    How to fix: Set an automatic rotation period of at most the maximum days on the key.
    Console: Security > Key Management > key ring > key > Edit rotation period
    CLI: gcloud kms keys update <key> --keyring <ring> --location <location> --rotation-period 90d
        --next-rotation-time <RFC3339>
    Docs: https://cloud.google.com/kms/docs/rotate-key
    """
    for key in ctx.assets("cloudkms.googleapis.com/CryptoKey"):
        d = data(key)
        if d.get("purpose", "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT":
            continue
        seconds = duration_seconds(d.get("rotationPeriod"))
        scheduled = bool(d.get("nextRotationTime"))
        if seconds is None or not scheduled:
            yield verdict(ctx, key, False, "", "automatic rotation is not configured")
            continue
        days = seconds / 86400
        yield verdict(ctx, key, days <= max_days,
                      f"rotates every {days:g} days (next {d.get('nextRotationTime')})",
                      f"rotates every {days:g} days (maximum {max_days})")
