"""DynamoDB: point-in-time recovery on every table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check, each


@check(
    id="aws_dynamodb_pitr_enabled",
    criteria=("CC7.5", "A1.2"),
    permissions=("dynamodb:ListTables", "dynamodb:DescribeContinuousBackups"),
)
def dynamodb_pitr_enabled(ctx: AwsApi) -> Iterator[Result]:
    """DynamoDB tables can be restored to any point in time (PITR is enabled).

    Regional. One result per table (resource: the table ARN), read with
    DescribeContinuousBackups. Pass: PointInTimeRecoveryStatus ENABLED (the recovery window in
    days is named when AWS returns it). Fail: DISABLED or absent. A table whose read fails is
    an `error` for that table only.
    Not applicable: nothing (a region without tables gives no result).

    How to fix: Turn on point-in-time recovery for the table.
    Console: DynamoDB > Tables > table > Backups > Point-in-time recovery > Edit
    CLI: aws dynamodb update-continuous-backups --table-name <table>
        --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true
    Terraform:
        resource "aws_dynamodb_table" "main" {
          point_in_time_recovery { enabled = true }
        }
    Docs: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html
    """
    tables = ctx.paginate("dynamodb", "list_tables", "TableNames")
    ctx.prefetch("dynamodb", "describe_continuous_backups", [{"TableName": t} for t in tables])

    def judge(name: str) -> Iterator[Result]:
        arn = ctx.arn("dynamodb", f"table/{name}")
        body: dict[str, Any] = ctx.call("dynamodb", "describe_continuous_backups",
                                        TableName=name)
        pitr = (body.get("ContinuousBackupsDescription") or {}).get(
            "PointInTimeRecoveryDescription") or {}
        days = pitr.get("RecoveryPeriodInDays")
        state = str(pitr.get("PointInTimeRecoveryStatus", "DISABLED")).lower()
        window = f" ({days}-day recovery window)" if days else ""
        yield Result.of(
            arn,
            pitr.get("PointInTimeRecoveryStatus") == "ENABLED",
            f"point-in-time recovery is enabled{window}",
            f"point-in-time recovery is {state}",
        )

    yield from each(tables, resource=lambda t: ctx.arn("dynamodb", f"table/{t}"), judge=judge)
