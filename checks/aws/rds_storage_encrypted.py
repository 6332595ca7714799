"""RDS: encryption at rest of DB instances and clusters."""

from __future__ import annotations

from collections.abc import Iterator

from checks.aws._rds import PERMISSIONS, clusters, standalone_instances
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_rds_storage_encrypted",
    criteria=("CC6.1", "C1.1"),
    permissions=PERMISSIONS,
)
def rds_storage_encrypted(ctx: AwsApi) -> Iterator[Result]:
    """RDS databases encrypt their storage at rest.

    Regional. One result per DB cluster and per DB instance outside a cluster (resource: its
    ARN); a cluster's member instances share the cluster's storage and are judged through it.
    Pass: StorageEncrypted true (on the cluster for Aurora, Multi-AZ DB clusters, DocumentDB
    and Neptune; on the instance otherwise). Fail: false or absent. Not applicable: never;
    cluster members get no result of their own. The listings are region-wide: a failed read is
    an `error` for the region.

    How to fix: Encrypt the database: snapshot it, copy the snapshot with a KMS key, and restore
        from the encrypted copy (encryption cannot be turned on in place).
    Console: RDS > Snapshots > snapshot > Actions > Copy snapshot > Enable encryption
    CLI: aws rds copy-db-snapshot --source-db-snapshot-identifier <snap>
        --target-db-snapshot-identifier <snap>-enc --kms-key-id <key>
    Terraform:
        resource "aws_db_instance" "main" {
          storage_encrypted = true
        }
    Docs: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html
    """
    for cluster in clusters(ctx):
        key = cluster.get("KmsKeyId")
        yield Result.of(
            cluster["DBClusterArn"],
            bool(cluster.get("StorageEncrypted")),
            f"cluster storage is encrypted (KMS key {key})" if key else "cluster storage is "
                                                                       "encrypted",
            "cluster storage is not encrypted",
        )
    for db in standalone_instances(ctx):
        key = db.get("KmsKeyId")
        yield Result.of(
            db["DBInstanceArn"],
            bool(db.get("StorageEncrypted")),
            f"instance storage is encrypted (KMS key {key})" if key else "instance storage is "
                                                                         "encrypted",
            "instance storage is not encrypted",
        )
