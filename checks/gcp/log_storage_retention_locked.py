"""Cloud Storage / Cloud Logging: log destinations keep entries long enough, under a lock."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from checks.gcp._assets import LIST_RESOURCE, as_bool, as_int, data
from collector.cloud.api import GcpApi
from collector.model import Result, Status
from collector.plugin import check

DAY = 86400


@check(
    id="gcp_log_storage_retention_locked",
    criteria=("CC7.2", "PI1.5"),
    permissions=(LIST_RESOURCE,),
)
def log_storage_retention_locked(
    ctx: GcpApi, *, min_days: int = 365, require_lock: bool = True
) -> Iterator[Result]:
    """Log sink destinations retain entries for at least the minimum period, under a lock.

    One result per distinct destination of an enabled sink (resource: the bucket's full
    name). A Cloud Storage bucket passes with a retention policy of at least `min_days` that is
    locked (`retentionPolicy.isLocked`); a log bucket passes with `retentionDays` >= `min_days`
    and `locked`; either fails otherwise (shorter, or not locked). BigQuery and Pub/Sub
    destinations are not applicable (their retention is not a bucket setting); a destination
    outside the scopes read is not applicable too.

    How to fix: Give the sink's destination bucket a retention policy of at least the minimum days
        and lock it.
    Console: Cloud Storage > bucket > Protection > Retention policy > Lock
    CLI: gcloud storage buckets update gs://<bucket> --retention-period 365d && gcloud storage
        buckets update gs://<bucket> --lock-retention-period
    Docs: https://cloud.google.com/storage/docs/using-bucket-lock
    """
    buckets = {a["name"]: a for a in ctx.assets("storage.googleapis.com/Bucket")}
    log_buckets = {_log_key(ctx, a): a for a in ctx.assets("logging.googleapis.com/LogBucket")}
    seen: set[str] = set()
    for sink in ctx.assets("logging.googleapis.com/LogSink"):
        d = data(sink)
        dest = str(d.get("destination", ""))
        if d.get("disabled") or dest in seen:
            continue
        seen.add(dest)
        name = f"//{dest}"
        scope = ctx.scope_of(sink)
        if dest.startswith("storage.googleapis.com/"):
            bucket = buckets.get(name)
            if bucket is None:
                yield _outside(name, scope)
                continue
            policy = data(bucket).get("retentionPolicy") or {}
            days = (as_int(policy.get("retentionPeriod")) or 0) // DAY
            locked = as_bool(policy.get("isLocked"))
            yield _judge(name, ctx.scope_of(bucket), days, locked, min_days, require_lock)
        elif dest.startswith("logging.googleapis.com/"):
            log_bucket = log_buckets.get(_log_key(ctx, {"name": name}))
            if log_bucket is None:
                yield _outside(name, scope)
                continue
            lb = data(log_bucket)
            yield _judge(name, ctx.scope_of(log_bucket), as_int(lb.get("retentionDays")) or 0,
                         as_bool(lb.get("locked")), min_days, require_lock)
        else:
            yield Result(name, Status.NOT_APPLICABLE, "not a bucket destination (BigQuery or "
                         "Pub/Sub); retention is not evaluated", scope=scope)


def _log_key(ctx: GcpApi, asset: Mapping[str, Any]) -> str:
    # Log bucket names may carry the project id or number: key them by id.
    parts = str(asset["name"]).removeprefix("//logging.googleapis.com/").split("/")
    if len(parts) > 1 and parts[0] == "projects":
        parts[1] = ctx.project_ids().get(f"projects/{parts[1]}", parts[1])
    return "/".join(parts)


def _outside(name: str, scope: str) -> Result:
    return Result(name, Status.NOT_APPLICABLE, "the destination is outside the scopes read; "
                  "its retention could not be inspected", scope=scope)


def _judge(name: str, scope: str, days: int, locked: bool, min_days: int,
           require_lock: bool) -> Result:
    problems = []
    if days < min_days:
        problems.append(f"retention is {days} days (minimum {min_days})")
    if require_lock and not locked:
        problems.append("the retention policy is not locked")
    if problems:
        return Result(name, Status.FAIL, "; ".join(problems), scope=scope)
    lock = "locked" if locked else "not locked"
    return Result(name, Status.PASS, f"retention is {days} days, {lock}", scope=scope)
