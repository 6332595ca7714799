"""EBS: snapshots are not shared publicly, and public sharing is blocked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from collector.cloud.api import AwsApi
from collector.cloud.base import CloudError
from collector.model import Result
from collector.plugin import check, each

BLOCKING = ("block-all-sharing", "block-new-sharing")


@check(
    id="aws_ebs_snapshot_not_public",
    criteria=("CC6.1", "CC6.6"),
    permissions=("ec2:DescribeSnapshots", "ec2:DescribeSnapshotAttribute",
                 "ec2:GetSnapshotBlockPublicAccessState"),
)
def ebs_snapshot_not_public(ctx: AwsApi) -> Iterator[Result]:
    """EBS snapshots cannot be restored by anyone outside the organisation.

    Regional. moto does not implement GetSnapshotBlockPublicAccessState; tested with recorded
    responses. One result per snapshot the account owns (resource: the snapshot ARN): it fails
    when its createVolumePermission grants the group `all`. One result for the region's
    snapshot block public access setting (resource:
    `arn:<partition>:ec2:<region>:<account>:account/snapshot-block-public-access`): it passes in
    state block-all-sharing or block-new-sharing. A failure to read the setting is an error for
    that result only; the snapshots are still judged, and a snapshot whose attribute read fails
    is an `error` for that snapshot only.
    A snapshot shared only with named accounts passes (that is not public); the setting fails
    in state unblocked. Not applicable: snapshots owned by other accounts (not listed).

    How to fix: Remove the public (all) create-volume permission from the snapshot; share with named
        accounts only.
    Console: EC2 > Snapshots > snapshot > Actions > Snapshot settings > Modify permissions > Private
    CLI: aws ec2 modify-snapshot-attribute --snapshot-id <id> --attribute createVolumePermission
        --operation-type remove --group-names all
    Docs: https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html
    """
    setting = ctx.arn("ec2", "account/snapshot-block-public-access")
    try:
        state = ctx.call("ec2", "get_snapshot_block_public_access_state").get("State")
    except CloudError as exc:
        yield Result.error(setting, f"could not read snapshot block public access "
                                    f"({exc.code})", exc.code)
    else:
        yield Result.of(setting, state in BLOCKING,
                        f"snapshot block public access is {state} in {ctx.region}",
                        f"snapshot block public access is {state} in {ctx.region}")
    snaps = ctx.paginate("ec2", "describe_snapshots", "Snapshots", OwnerIds=["self"])
    ctx.prefetch("ec2", "describe_snapshot_attribute",
                 [{"SnapshotId": s["SnapshotId"], "Attribute": "createVolumePermission"}
                  for s in snaps])

    def judge(snap: dict[str, Any]) -> Iterator[Result]:
        sid = snap["SnapshotId"]
        arn = ctx.arn("ec2", f"snapshot/{sid}")
        attr = ctx.call("ec2", "describe_snapshot_attribute", SnapshotId=sid,
                        Attribute="createVolumePermission")
        perms = attr.get("CreateVolumePermissions") or []
        public = any(p.get("Group") == "all" for p in perms)
        accounts = [p["UserId"] for p in perms if p.get("UserId")]
        shared = f"; shared with account(s) {', '.join(accounts)}" if accounts else ""
        yield Result.of(arn, not public, f"the snapshot is not public{shared}",
                        f"the snapshot is public: anyone can create a volume from it{shared}")

    yield from each(snaps, resource=lambda s: ctx.arn("ec2", f"snapshot/{s['SnapshotId']}"),
                    judge=judge)
