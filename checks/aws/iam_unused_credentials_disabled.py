"""IAM: console passwords and access keys that are not used are disabled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from checks.aws._credential_report import PERMISSIONS, timestamp, user_rows
from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_iam_unused_credentials_disabled",
    criteria=("CC6.1", "CC6.2"),
    permissions=PERMISSIONS,
    scoping="global",
)
def iam_unused_credentials_disabled(
    ctx: AwsApi, *, max_unused_days: int = 90
) -> Iterator[Result]:
    """IAM users have no active password or access key left unused for more than N days.

    Read from the IAM credential report, one result per IAM user (the root user is out of scope).
    A credential never used is measured from when it was set: the password from
    password_last_changed (else the user's creation), an access key from its
    access_key_N_last_rotated date. moto reports every key's last use as N/A, so there every key
    counts as never used. Ages are measured from the time of the check.
    Pass: every active credential was used (or set) within `max_unused_days`, or the user has
    none. Fail: any active credential idle longer (each is named). Not applicable: never. A
    failed credential-report read is an `error` for the account.

    How to fix: Deactivate or delete passwords and access keys not used within the allowed number of
        days.
    Console: IAM > Users > user > Security credentials > Access keys > Deactivate (Console password
        > Manage > Disable)
    CLI: aws iam update-access-key --user-name <user> --access-key-id <key> --status Inactive && aws
        iam delete-login-profile --user-name <user>
    Docs: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html
    """
    now = datetime.now(UTC)
    limit = timedelta(days=max_unused_days)
    for row in user_rows(ctx):
        stale, active = [], []
        if row.get("password_enabled") == "true":
            active.append("console password")
            since = _idle_since(row, "password_last_used", "password_last_changed")
            if since is not None and now - since > limit:
                stale.append(f"console password {_idle(row, 'password_last_used', since, now)}")
        for n in (1, 2):
            if row.get(f"access_key_{n}_active") != "true":
                continue
            active.append(f"access key {n}")
            since = _idle_since(row, f"access_key_{n}_last_used_date",
                                f"access_key_{n}_last_rotated")
            if since is not None and now - since > limit:
                used = f"access_key_{n}_last_used_date"
                stale.append(f"access key {n} {_idle(row, used, since, now)}")
        if stale:
            yield Result.failed(row["arn"], f"active credential(s) unused for more than "
                                            f"{max_unused_days} days: " + "; ".join(stale))
        elif active:
            yield Result.passed(row["arn"], f"every active credential ({', '.join(active)}) was "
                                            f"used or set within {max_unused_days} days")
        else:
            yield Result.passed(row["arn"], "the user has no active console password or access key")


def _idle_since(row: dict[str, str], used: str, created: str) -> datetime | None:
    """When the credential was last used, or when it was set if it never was."""
    return timestamp(row.get(used)) or timestamp(row.get(created)) or timestamp(
        row.get("user_creation_time"))


def _idle(row: dict[str, str], used: str, since: datetime, now: datetime) -> str:
    days = (now - since).days
    if timestamp(row.get(used)) is not None:
        return f"last used {since:%Y-%m-%d} ({days} days ago)"
    return f"never used since it was set on {since:%Y-%m-%d} ({days} days ago)"
