"""DynamoDB: point-in-time recovery on every table."""

from __future__ import annotations

from collections.abc import Iterator

from collector.cloud.aws import AwsContext
from collector.cloud.base import CloudError
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_dynamodb_pitr_enabled",
    criteria=("CC7.5", "A1.2"),
    permissions=("dynamodb:ListTables", "dynamodb:DescribeContinuousBackups"),
)
def dynamodb_pitr_enabled(ctx: AwsContext) -> Iterator[Result]:
    """DynamoDB tables can be restored to any point in time (PITR is enabled).

    Regional. One result per table (resource: the table ARN), read with
    DescribeContinuousBackups; the recovery window (days) is reported when AWS returns it.
    """
    tables = ctx.paginate("dynamodb", "list_tables", "TableNames")
    ctx.prefetch("dynamodb", "describe_continuous_backups", [{"TableName": t} for t in tables])
    for name in tables:
        arn = ctx.arn("dynamodb", f"table/{name}")
        try:
            body = ctx.call("dynamodb", "describe_continuous_backups", TableName=name)
        except CloudError as exc:
            yield Result.error(arn, f"could not read the table's continuous backups "
                                    f"({exc.code})", exc.code)
            continue
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
