"""Shared by the IAM checks that read the credential report (one request per run: memoised)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from collector.cloud.api import AwsApi

NOT_READY = ("ReportInProgress", "ReportNotPresent")
ROOT_ROW = "<root_account>"
PERMISSIONS = ("iam:GenerateCredentialReport", "iam:GetCredentialReport")


def credential_report(ctx: AwsApi) -> list[dict[str, str]]:
    """The IAM credential report's rows (the CSV's header names as keys).

    Generation is asynchronous: the report is requested, then fetched, polling while AWS answers
    ReportInProgress / ReportNotPresent.
    """
    ctx.call("iam", "generate_credential_report")
    body = ctx.call("iam", "get_credential_report", wait_for=NOT_READY)
    content = body["Content"]
    text = content.decode("utf-8") if isinstance(content, bytes | bytearray) else str(content)
    return list(csv.DictReader(io.StringIO(text)))


def user_rows(ctx: AwsApi) -> list[dict[str, str]]:
    """The report's IAM-user rows (the root account's row, when present, is left out)."""
    return [row for row in credential_report(ctx) if row.get("user") != ROOT_ROW]


def timestamp(value: str | None) -> datetime | None:
    """A report date column as an aware datetime; None for N/A, no_information, not_supported."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
