"""IAM: MFA on the root user."""

from __future__ import annotations

from collections.abc import Iterator

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_iam_root_mfa_enabled",
    criteria=("CC6.1",),
    permissions=("iam:GetAccountSummary", "iam:ListVirtualMFADevices"),
    scoping="global",
)
def iam_root_mfa_enabled(
    ctx: AwsApi, *, require_hardware_mfa: bool = False
) -> Iterator[Result]:
    """The AWS account's root user signs in with multi-factor authentication.

    Read from the account summary (AccountMFAEnabled), which covers every MFA type; the
    credential report's root row is not used (moto has none). With `require_hardware_mfa`, a
    root user whose MFA is an assigned virtual (authenticator-app) device fails; the virtual
    device list is read only then. One result for the account (resource: the account ARN).
    Pass: AccountMFAEnabled is 1 (and, with `require_hardware_mfa`, no virtual device is the
    root's). Fail: otherwise. Not applicable: never. A failed read is an `error` for the
    account.

    How to fix: Sign in as the root user and assign an MFA device (a hardware key for production
        accounts).
    Console: IAM > Security credentials (as root) > Multi-factor authentication > Assign MFA device
    CLI: (console only: root MFA cannot be assigned with the CLI)
    Docs: https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-virt-mfa-for-root.html
    """
    summary = ctx.call("iam", "get_account_summary")["SummaryMap"]
    if not summary.get("AccountMFAEnabled"):
        yield Result.failed(ctx.account_arn, "the root user has no MFA device")
        return
    if not require_hardware_mfa:
        yield Result.passed(ctx.account_arn, "the root user has MFA enabled")
        return
    devices = ctx.paginate("iam", "list_virtual_mfa_devices", "VirtualMFADevices",
                           AssignmentStatus="Assigned")
    virtual = [d["SerialNumber"] for d in devices
               if (d.get("User") or {}).get("Arn") == ctx.account_arn
               or str(d.get("SerialNumber", "")).endswith(":mfa/root-account-mfa-device")]
    yield Result.of(
        ctx.account_arn,
        not virtual,
        "the root user has MFA enabled with a non-virtual (hardware or passkey) device",
        f"the root user's MFA is a virtual device ({', '.join(virtual)})",
    )
