"""IAM: MFA for users who can sign in to the console."""

from __future__ import annotations

from collections.abc import Iterator

from checks.aws._credential_report import PERMISSIONS, user_rows
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_iam_user_console_mfa",
    criteria=("CC6.1",),
    permissions=PERMISSIONS,
    scoping="global",
)
def iam_user_console_mfa(ctx: AwsApi) -> Iterator[Result]:
    """IAM users with a console password have an MFA device.

    Read from the IAM credential report (password_enabled, mfa_active). Users without a console
    password are not judged (their access keys are covered by other checks); the root user is
    covered by aws_iam_root_mfa_enabled. Workforce access through IAM Identity Center or an
    external identity provider is outside this check: its MFA evidence comes from the IdP.
    Pass: password_enabled and mfa_active are true. Fail: a console password without MFA. Not
    applicable: users without a console password get no result. A failed credential-report read
    is an `error` for the account.

    How to fix: Assign an MFA device to every IAM user with a console password (or move the user to
        IAM Identity Center).
    Console: IAM > Users > user > Security credentials > Multi-factor authentication > Assign MFA
        device
    CLI: aws iam enable-mfa-device --user-name <user> --serial-number <mfa-arn>
        --authentication-code1 <code1> --authentication-code2 <code2>
    Docs: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html
    """
    for row in user_rows(ctx):
        if row.get("password_enabled") != "true":
            continue
        yield Result.of(
            row["arn"],
            row.get("mfa_active") == "true",
            "the user has a console password and an active MFA device",
            "the user has a console password and no active MFA device",
        )
