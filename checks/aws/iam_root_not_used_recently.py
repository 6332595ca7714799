"""IAM: the root user has not signed in or used an access key recently."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from checks.aws._credential_report import PERMISSIONS, ROOT_ROW, credential_report, timestamp
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check

USES = (("password_last_used", "console sign-in"),
        ("access_key_1_last_used_date", "access key 1"),
        ("access_key_2_last_used_date", "access key 2"))


@check(
    id="aws_iam_root_not_used_recently",
    criteria=("CC6.1", "CC7.2"),
    permissions=PERMISSIONS,
    scoping="global",
)
def iam_root_not_used_recently(ctx: AwsApi, *, quiet_days: int = 90) -> Iterator[Result]:
    """The root user has not been used (sign-in or access key) in the last 90 days.

    Read from the IAM credential report's <root_account> row: password_last_used and
    access_key_N_last_used_date. One result for the account (resource: the account ARN). Each
    use within `quiet_days` fails and is listed with its date, for the auditor to match to a
    break-glass ticket; that match is outside the API. moto's credential report has no root row;
    tested with recorded responses.
    Pass: no use within `quiet_days` (N/A or no_information dates are no use). Fail: any use
    within it. No <root_account> row is an `error`, never a pass; a failed report read is an
    `error` for the account.
    Not applicable: never.

    How to fix: Stop using the root user for daily work: review CloudTrail for the root activity,
        rotate its password and MFA if unexpected, and use IAM roles.
    Console: CloudTrail > Event history > filter User name = root
    CLI: aws iam generate-credential-report && aws iam get-credential-report
    Docs: https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html
    """
    root = next((r for r in credential_report(ctx) if r.get("user") == ROOT_ROW), None)
    if root is None:
        yield Result.error(ctx.account_arn, "the credential report has no <root_account> row",
                           "NoRootAccountRow")
        return
    now = datetime.now(UTC)
    recent = []
    for column, what in USES:
        used = timestamp(root.get(column))
        if used is not None and now - used <= timedelta(days=quiet_days):
            recent.append(f"{what} on {used.astimezone(UTC):%Y-%m-%d}")
    last = max((t for c, _ in USES if (t := timestamp(root.get(c)))), default=None)
    seen = f"last used {last.astimezone(UTC):%Y-%m-%d}" if last else "never used"
    yield Result.of(
        ctx.account_arn,
        not recent,
        f"the root user was not used in the last {quiet_days} days ({seen})",
        f"the root user was used in the last {quiet_days} days: " + "; ".join(recent),
    )
