"""Which AWS accounts and regions a run covers, and the credentials for each."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from collector.cloud.aws import AwsAccount, client_config
from collector.cloud.base import CloudError, EvidenceSink, UnavailableScope
from config.settings import AwsSettings

SESSION_NAME = "evidence-collector"


def open_accounts(
    aws: AwsSettings,
    sink: EvidenceSink,
    *,
    tool_version: str,
    endpoint_url: str | None,
    regions: Sequence[str] = (),
    base: boto3.Session | None = None,
) -> Iterator[AwsAccount | UnavailableScope]:
    """Each configured account, connected and with its regions resolved, or why it is not.

    With no `aws.accounts`, the account of the current credentials (standard boto3 chain).
    `regions` (from --region) narrows the configured regions.
    """
    base = base or boto3.Session()
    config = client_config(aws.max_workers, tool_version)
    targets: list[tuple[str | None, str | None, str | None]] = [
        (a.id, a.role_arn, a.external_id) for a in aws.accounts
    ] or [(None, None, None)]
    for account_id, role_arn, external_id in targets:
        try:
            session = _assume(base, role_arn, external_id, config) if role_arn else base
            account = AwsAccount(session, sink=sink, home_region=aws.home_region,
                                 endpoint_url=endpoint_url, config=config)
            account.connect(expected_account=account_id)
            wanted = account.enabled_regions() if aws.regions == "all" else list(aws.regions)
            account.regions = [r for r in wanted if not regions or r in regions]
        except CloudError as exc:
            yield UnavailableScope("aws", account_id or "default", exc.code, _advice(exc, role_arn))
            continue
        yield account


def _assume(
    base: boto3.Session, role_arn: str, external_id: str | None, config: object
) -> boto3.Session:
    sts = base.client("sts", config=config)
    params = {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME}
    if external_id:
        params["ExternalId"] = external_id
    try:
        creds = sts.assume_role(**params)["Credentials"]
    except ClientError as exc:
        err = exc.response.get("Error", {})
        raise CloudError(str(err.get("Code", "AssumeRoleFailed")), str(err.get("Message", "")),
                         operation="sts:AssumeRole") from exc
    except BotoCoreError as exc:
        raise CloudError(type(exc).__name__, str(exc), operation="sts:AssumeRole") from exc
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def _advice(exc: CloudError, role_arn: str | None) -> str:
    """One line saying what failed and what to do about it."""
    if exc.operation == "sts:AssumeRole":
        return (f"cannot assume {role_arn} ({exc.detail or exc.code}); check the role's trust "
                "policy allows this identity (and the external id)")
    if exc.code in ("NoCredentials", "NoCredentialsError"):
        return ("no AWS credentials found (environment, shared config/credentials file, SSO, "
                "container or instance role); configure one of them")
    if exc.code in ("ExpiredToken", "ExpiredTokenException", "RequestExpired"):
        return "the AWS credentials have expired; refresh them (e.g. aws sso login) and retry"
    return f"{exc.operation or 'AWS'} failed: {exc.detail or exc.code}"
