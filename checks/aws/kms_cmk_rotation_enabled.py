"""KMS: customer-managed key rotation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from collector.cloud.api import AwsApi
from collector.cloud.base import CloudError
from collector.model import Result
from collector.plugin import check, each

ROTATABLE_ORIGIN = "AWS_KMS"
"""KMS rotates only key material it generated: keys with imported material (EXTERNAL) or in a
custom key store (AWS_CLOUDHSM, EXTERNAL_KEY_STORE) cannot rotate automatically
(kms:GetKeyRotationStatus documentation)."""


@check(
    id="aws_kms_cmk_rotation_enabled",
    criteria=("CC6.1",),
    permissions=("kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus"),
)
def kms_cmk_rotation_enabled(ctx: AwsApi) -> Iterator[Result]:
    """Customer-managed KMS keys rotate their key material automatically.

    Regional. One result per key in scope (resource: the key ARN): enabled, customer-managed,
    symmetric (SYMMETRIC_DEFAULT) keys whose material KMS generated (Origin AWS_KMS). Pass:
    GetKeyRotationStatus reports KeyRotationEnabled (the period is named); fail: it does not.
    Out of scope, with no result: AWS-managed keys (AWS rotates them yearly), disabled keys or
    keys pending deletion, asymmetric and HMAC keys, keys with imported material or in a custom
    key store (AWS documents that none of these can rotate automatically). A key whose
    DescribeKey or GetKeyRotationStatus is denied (e.g. its key policy does not grant the
    auditor) is an `error` for that key only.

    How to fix: Enable automatic rotation of the customer-managed key.
    Console: KMS > Customer managed keys > key > Key rotation > Automatically rotate this KMS key
    CLI: aws kms enable-key-rotation --key-id <key-id>
    Terraform:
        resource "aws_kms_key" "main" {
          enable_key_rotation = true
        }
    Docs: https://docs.aws.amazon.com/kms/latest/developerguide/rotating-keys-enable.html
    """
    keys = ctx.paginate("kms", "list_keys", "Keys")
    ctx.prefetch("kms", "describe_key", [{"KeyId": k["KeyId"]} for k in keys])
    scoped = []
    for key in keys:
        try:
            meta = ctx.call("kms", "describe_key", KeyId=key["KeyId"])["KeyMetadata"]
        except CloudError:
            continue  # raised again, for this key only, when it is judged below
        if _in_scope(meta):
            scoped.append({"KeyId": key["KeyId"]})
    ctx.prefetch("kms", "get_key_rotation_status", scoped)

    def judge(key: dict[str, Any]) -> list[Result]:
        meta = ctx.call("kms", "describe_key", KeyId=key["KeyId"])["KeyMetadata"]
        if not _in_scope(meta):
            return []
        status = ctx.call("kms", "get_key_rotation_status", KeyId=key["KeyId"])
        period = status.get("RotationPeriodInDays")
        every = f" every {period} days" if period else ""
        return [Result.of(meta["Arn"], bool(status.get("KeyRotationEnabled")),
                          f"automatic key rotation is enabled{every}",
                          "automatic key rotation is disabled")]

    yield from each(keys, resource=lambda k: k.get("KeyArn")
                    or ctx.arn("kms", f"key/{k['KeyId']}"), judge=judge)


def _in_scope(meta: dict[str, Any]) -> bool:
    return (meta.get("KeyManager") == "CUSTOMER"
            and meta.get("KeyState") == "Enabled"
            and meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
            and meta.get("Origin", ROTATABLE_ORIGIN) == ROTATABLE_ORIGIN)
