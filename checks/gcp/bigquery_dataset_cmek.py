"""BigQuery: datasets are encrypted with customer-managed keys."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, data, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check


@check(
    id="gcp_bigquery_dataset_cmek",
    criteria=("CC6.1", "C1.1"),
    permissions=(LIST_RESOURCE,),
)
def bigquery_dataset_cmek(ctx: GcpApi) -> Iterator[Result]:
    """BigQuery datasets encrypt new tables with a customer-managed Cloud KMS key by default.

    One result per dataset (resource: its full name). Passes when
    `defaultEncryptionConfiguration.kmsKeyName` is set, fails otherwise; every dataset is
    judged (none is not applicable). Google encrypts all data at rest
    with Google-managed keys regardless; CMEK is the configurable, testable control. Tables
    created with their own key, or before the default was set, are not read.

    How to fix: Set the dataset's default Cloud KMS key so new tables are encrypted with it.
    Console: BigQuery > dataset > Edit details > Advanced options > Customer-managed key
    CLI: bq update --default_kms_key <projects/p/locations/l/keyRings/r/cryptoKeys/k>
        <project>:<dataset>
    Docs: https://cloud.google.com/bigquery/docs/customer-managed-encryption
    """
    for dataset in ctx.assets("bigquery.googleapis.com/Dataset"):
        key = (data(dataset).get("defaultEncryptionConfiguration") or {}).get("kmsKeyName")
        yield verdict(ctx, dataset, bool(key), f"default customer-managed key {key}",
                      "no default customer-managed key (Google-managed encryption)")
