"""KMS: customer-managed key rotation."""

from collections.abc import Iterator

from collector.cloud.aws import AwsContext
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_kms_cmk_rotation_enabled",
    criteria=("CC6.1",),
    permissions=("kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus"),
)
def kms_cmk_rotation_enabled(ctx: AwsContext) -> Iterator[Result]:
    """Customer-managed KMS keys rotate their key material automatically.

    Only enabled, symmetric (SYMMETRIC_DEFAULT) customer-managed keys are in scope: AWS-managed
    keys rotate on AWS's schedule, and asymmetric/HMAC keys cannot rotate automatically.
    """
    keys = [k["KeyId"] for k in ctx.paginate("kms", "list_keys", "Keys")]
    ctx.prefetch("kms", "describe_key", [{"KeyId": k} for k in keys])
    in_scope = []
    for key_id in keys:
        meta = ctx.call("kms", "describe_key", KeyId=key_id)["KeyMetadata"]
        if (
            meta.get("KeyManager") == "CUSTOMER"
            and meta.get("KeyState") == "Enabled"
            and meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
        ):
            in_scope.append((key_id, meta))
    ctx.prefetch("kms", "get_key_rotation_status", [{"KeyId": k} for k, _ in in_scope])
    for key_id, meta in in_scope:
        status = ctx.call("kms", "get_key_rotation_status", KeyId=key_id)
        period = status.get("RotationPeriodInDays")
        every = f" every {period} days" if period else ""
        yield Result.of(
            meta["Arn"],
            bool(status.get("KeyRotationEnabled")),
            f"automatic key rotation is enabled{every}",
            "automatic key rotation is disabled",
        )
