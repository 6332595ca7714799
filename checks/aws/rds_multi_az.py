"""RDS: production databases survive the loss of an Availability Zone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.aws._rds import PERMISSIONS, clusters, instances, tag_map
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_rds_multi_az",
    criteria=("A1.2",),
    permissions=PERMISSIONS,
)
def rds_multi_az(ctx: AwsApi, *, production_tags: tuple[str, ...] = ()) -> Iterator[Result]:
    """Production RDS databases are deployed across more than one Availability Zone.

    Regional. One result per DB cluster and per DB instance outside a cluster (resource: its
    ARN). An instance passes with MultiAZ=true (a standby in another zone); a cluster passes when
    its member instances are in more than one zone (or, for a Multi-AZ DB cluster, MultiAZ=true).
    `production_tags` ("Key=Value" or "Key") selects the production databases; a database
    without any of them is `not_applicable`. Empty (the default) judges every database.
    Fail: a stand-alone instance with MultiAZ false, or a cluster whose members all sit in one
    zone and that is not MultiAZ. Cluster members are judged only through their cluster (Aurora
    keeps availability on the cluster). The listings are region-wide: a failed read is an
    `error` for the region.

    How to fix: Convert the database to a Multi-AZ deployment.
    Console: RDS > Databases > database > Modify > Availability & durability > Multi-AZ
    CLI: aws rds modify-db-instance --db-instance-identifier <db> --multi-az --apply-immediately
    Terraform:
        resource "aws_db_instance" "main" {
          multi_az = true
        }
    Docs: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html
    """
    zone_of = {i["DBInstanceIdentifier"]: i.get("AvailabilityZone") for i in instances(ctx)}
    for cluster in clusters(ctx):
        arn = cluster["DBClusterArn"]
        if not _in_scope(cluster, production_tags):
            yield Result.not_applicable(arn, "the cluster carries no production tag")
            continue
        members = [m["DBInstanceIdentifier"] for m in cluster.get("DBClusterMembers") or []]
        zones = sorted({z for m in members if (z := zone_of.get(m))})
        ok = len(zones) > 1 or bool(cluster.get("MultiAZ"))
        where = ", ".join(zones) or "no zone"
        yield Result.of(arn, ok, f"cluster instances span {len(zones)} zones ({where})"
                        if len(zones) > 1 else "the cluster is a Multi-AZ DB cluster",
                        f"every cluster instance is in {where}: one zone's loss stops it")
    for db in instances(ctx):
        if db.get("DBClusterIdentifier"):
            continue
        arn = db["DBInstanceArn"]
        if not _in_scope(db, production_tags):
            yield Result.not_applicable(arn, "the instance carries no production tag")
            continue
        yield Result.of(arn, bool(db.get("MultiAZ")),
                        f"Multi-AZ deployment (primary in {db.get('AvailabilityZone')}, standby "
                        f"in {db.get('SecondaryAvailabilityZone') or 'another zone'})",
                        f"single-AZ deployment in {db.get('AvailabilityZone')}")


def _in_scope(resource: dict[str, Any], production_tags: tuple[str, ...]) -> bool:
    if not production_tags:
        return True
    tags = tag_map(resource)
    for wanted in production_tags:
        key, eq, value = wanted.partition("=")
        if key in tags and (not eq or tags[key] == value):
            return True
    return False
