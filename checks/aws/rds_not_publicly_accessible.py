"""RDS: DB instances are not reachable from the internet."""

from __future__ import annotations

from collections.abc import Iterator

from checks.aws._rds import instances
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_rds_not_publicly_accessible",
    criteria=("CC6.1", "CC6.6"),
    permissions=("rds:DescribeDBInstances",),
)
def rds_not_publicly_accessible(ctx: AwsApi) -> Iterator[Result]:
    """RDS DB instances are not publicly accessible.

    Regional. One result per DB instance, cluster members included (public accessibility is set
    per instance); resource: the instance ARN. PubliclyAccessible=true gives the instance a
    public DNS name that resolves to a public IP; whether security groups then admit traffic is
    judged by aws_ec2_sg_no_admin_ports_from_internet.
    Pass: PubliclyAccessible false or absent. Fail: true. Not applicable: never.
    DescribeDBInstances is region-wide: a failed read is an `error` for the region.

    How to fix: Turn off public accessibility and keep the instance in private subnets.
    Console: RDS > Databases > database > Modify > Connectivity > Public access: Not publicly
        accessible
    CLI: aws rds modify-db-instance --db-instance-identifier <db> --no-publicly-accessible
        --apply-immediately
    Terraform:
        resource "aws_db_instance" "main" {
          publicly_accessible = false
        }
    Docs: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html
    """
    for db in instances(ctx):
        yield Result.of(
            db["DBInstanceArn"],
            not db.get("PubliclyAccessible"),
            "the instance is not publicly accessible",
            "the instance is publicly accessible (PubliclyAccessible=true)",
        )
