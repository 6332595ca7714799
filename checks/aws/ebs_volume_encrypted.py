"""EBS: encryption of volumes and encryption by default."""

from __future__ import annotations

from collections.abc import Iterator

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_ebs_volume_encrypted",
    criteria=("CC6.1",),
    permissions=("ec2:DescribeVolumes", "ec2:GetEbsEncryptionByDefault"),
)
def ebs_volume_encrypted(ctx: AwsApi) -> Iterator[Result]:
    """EBS volumes are encrypted at rest, and new volumes are encrypted by default.

    Regional. One result per volume, attached or not (resource: the volume ARN): pass when
    Encrypted is true (the KMS key is named), fail when false or absent. One result for the
    region's EBS encryption-by-default setting (resource:
    `arn:<partition>:ec2:<region>:<account>:account/ebs-encryption-by-default`, as EBS has no ARN
    for this account setting): pass when GetEbsEncryptionByDefault answers true, fail
    otherwise. The setting is judged in every region the run covers, with or without volumes:
    it decides whether the next volume created there is encrypted. Not applicable: never. Both
    reads are region-wide: a failed read is an `error` for the region.

    How to fix: Turn on EBS encryption by default in the region; replace unencrypted volumes with
        encrypted copies (snapshot, copy with encryption, restore).
    Console: EC2 > Settings > EBS encryption > Manage > Always encrypt new EBS volumes
    CLI: aws ec2 enable-ebs-encryption-by-default --region <region>
    Terraform:
        resource "aws_ebs_encryption_by_default" "on" {
          enabled = true
        }
    Docs: https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html
    """
    for volume in ctx.paginate("ec2", "describe_volumes", "Volumes"):
        key = volume.get("KmsKeyId")
        yield Result.of(
            ctx.arn("ec2", f"volume/{volume['VolumeId']}"),
            bool(volume.get("Encrypted")),
            f"the volume is encrypted (KMS key {key})" if key else "the volume is encrypted",
            "the volume is not encrypted",
        )
    default = ctx.call("ec2", "get_ebs_encryption_by_default")
    yield Result.of(
        ctx.arn("ec2", "account/ebs-encryption-by-default"),
        bool(default.get("EbsEncryptionByDefault")),
        f"EBS encryption by default is enabled in {ctx.region}",
        f"EBS encryption by default is disabled in {ctx.region}",
    )
