"""BigQuery: datasets are encrypted with customer-managed keys."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, data, verdict
from collector.cloud.gcp import GcpContext
from collector.model import Result
from collector.plugin import check


@check(
    id="gcp_bigquery_dataset_cmek",
    criteria=("CC6.1", "C1.1"),
    permissions=(LIST_RESOURCE,),
    scoping="global",
)
def bigquery_dataset_cmek(ctx: GcpContext) -> Iterator[Result]:
    """BigQuery datasets encrypt new tables with a customer-managed Cloud KMS key by default.

    One result per dataset (resource: its full name). Passes when
    `defaultEncryptionConfiguration.kmsKeyName` is set, fails otherwise; every dataset is
    judged (none is not applicable). Google encrypts all data at rest
    with Google-managed keys regardless; CMEK is the configurable, testable control. Tables
    created with their own key, or before the default was set, are not read.
    """
    for dataset in ctx.assets("bigquery.googleapis.com/Dataset"):
        key = (data(dataset).get("defaultEncryptionConfiguration") or {}).get("kmsKeyName")
        yield verdict(ctx, dataset, bool(key), f"default customer-managed key {key}",
                      "no default customer-managed key (Google-managed encryption)")
