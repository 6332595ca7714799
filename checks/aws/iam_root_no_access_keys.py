"""IAM: the root user has no access keys."""

from __future__ import annotations

from collections.abc import Iterator

from collector.cloud.aws import AwsContext
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_iam_root_no_access_keys",
    criteria=("CC6.1", "CC6.3"),
    permissions=("iam:GetAccountSummary",),
    scoping="global",
)
def iam_root_no_access_keys(ctx: AwsContext) -> Iterator[Result]:
    """The AWS account's root user has no access keys.

    Read from the account summary (AccountAccessKeysPresent counts active and inactive root
    keys). One result for the account (resource: the account ARN).
    """
    summary = ctx.call("iam", "get_account_summary")["SummaryMap"]
    yield Result.of(
        ctx.account_arn,
        not summary.get("AccountAccessKeysPresent"),
        "the root user has no access keys",
        "the root user has access keys",
    )
