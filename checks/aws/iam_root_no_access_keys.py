"""IAM: the root user has no access keys."""

from __future__ import annotations

from collections.abc import Iterator

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_iam_root_no_access_keys",
    criteria=("CC6.1", "CC6.3"),
    permissions=("iam:GetAccountSummary",),
    scoping="global",
)
def iam_root_no_access_keys(ctx: AwsApi) -> Iterator[Result]:
    """The AWS account's root user has no access keys.

    Read from the account summary (AccountAccessKeysPresent counts active and inactive root
    keys). One result for the account (resource: the account ARN).
    Pass: AccountAccessKeysPresent is 0 or absent. Fail: 1 (an inactive key fails too: it can
    be re-activated). Not applicable: never. A failed read is an `error` for the account.

    How to fix: Delete the root user's access keys; use IAM roles instead.
    Console: IAM > Security credentials (as root) > Access keys > Delete
    CLI: (console only: sign in as root; root access keys cannot be deleted by other principals)
    Docs: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html
    """
    summary = ctx.call("iam", "get_account_summary")["SummaryMap"]
    yield Result.of(
        ctx.account_arn,
        not summary.get("AccountAccessKeysPresent"),
        "the root user has no access keys",
        "the root user has access keys",
    )
