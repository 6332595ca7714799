"""Which AWS accounts and regions a run covers, and the credentials for each.

Accounts come from, in this order of precedence:

* `aws.organization: true` — every ACTIVE member account that Organizations lists (paginated
  `ListAccounts`, called from the management account or a delegated administrator through the
  recorded `AwsAccount` machinery, so the listing has provenance like any other call).
  SUSPENDED / PENDING_CLOSURE accounts are skipped. In each member the collector assumes
  `arn:<partition>:iam::<id>:role/<aws.role_name>`. The account the collector runs in (the
  management or delegated-admin account itself) is read with the *current* credentials, never
  through `role_name`: an identity can list the organization only from there, a role that
  trusts its own account is an unusual extra to deploy, and one rule ("own account: current
  credentials; every other account: the role") is easy to audit. Its identity therefore needs
  the read policy too (`evidence permissions` prints it with the Organizations actions added).
  An entry of `aws.accounts` with a `role_arn` / `external_id` overrides the default role for
  that member; listed accounts that Organizations does not return are collected as well.
* `aws.accounts` — each listed account, through its `role_arn` (+ `external_id`) or, with no
  `role_arn`, `aws.role_name` in that account.
* neither — the account of the current credentials (standard boto3 chain).

Accounts are opened lazily (one at a time, as the runner asks for the next), so a run over
hundreds of accounts never holds more than the runner's active accounts in memory. Whatever
cannot be opened becomes an `UnavailableScope` with one line that names the account and says
what to do; the run goes on with the others.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.loaders import Loader, create_loader

from collector.cloud.aws import AwsAccount
from collector.cloud.aws_wire import client_config
from collector.cloud.base import GLOBAL, CallLog, CloudError, EvidenceSink, UnavailableScope
from config.settings import AwsSettings

SESSION_NAME = "evidence-collector"
ACTIVE = "ACTIVE"
REGION_NOT_ENABLED = "RegionNotEnabled"
NOT_MANAGEMENT = frozenset({"AWSOrganizationsNotInUseException", "AccessDeniedException",
                            "AccessDenied"})
EXPIRED = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})


@dataclass(frozen=True)
class Target:
    """One account to open: its id (None: whatever the credentials are) and how to get in."""

    account_id: str | None
    role_arn: str | None = None
    external_id: str | None = None


class _Opener:
    """Opens accounts for one run: shared base session, STS client and client config."""

    def __init__(self, aws: AwsSettings, sink: EvidenceSink, base: boto3.Session,
                 config: Config, endpoint_url: str | None, regions: Sequence[str],
                 owns: Callable[[str], bool] | None = None) -> None:
        self.aws = aws
        self.owns = owns or (lambda account_id: True)
        self.sink = sink
        self.base = base
        self.config = config
        self.endpoint_url = endpoint_url
        self.only = tuple(regions)
        self._sts: Any = None
        self.in_flight = threading.BoundedSemaphore(aws.max_workers)
        """aws.max_workers bounds requests on the wire, across every account of the run."""
        self._loader: Loader = create_loader()
        """Shared by every account's session: each service model is parsed once per run,
        not once per account (about 1.5 s of CPU per account for the catalog's services)."""

    def session(self, key: str, secret: str, token: str) -> boto3.Session:
        core = botocore.session.Session()
        core.register_component("data_loader", self._loader)
        core.set_credentials(key, secret, token)
        return boto3.Session(botocore_session=core)

    def account(self, session: boto3.Session) -> AwsAccount:
        account = AwsAccount(session, sink=self.sink, home_region=self.aws.home_region,
                             endpoint_url=self.endpoint_url, config=self.config)
        account.in_flight = self.in_flight
        return account

    def open(self, target: Target) -> Iterator[AwsAccount | UnavailableScope]:
        """The account connected and with its regions, or one line saying why not."""
        try:
            session = self._assume(target) if target.role_arn else self.base
            account = self.account(session)
            account.connect(expected_account=target.account_id)
        except CloudError as exc:
            yield _unavailable(target.account_id or "default", exc, target.role_arn)
            return
        yield from self.with_regions(account)

    def with_regions(self, account: AwsAccount) -> Iterator[AwsAccount | UnavailableScope]:
        """Resolve the regions of `account`; each unusable region is one error of its own."""
        try:
            enabled: list[str] | None = account.enabled_regions()
        except CloudError as exc:
            if self.aws.regions == "all":
                yield _unavailable(account.account_id, exc, None)
                return
            enabled = None  # explicit regions still work without ec2:DescribeRegions
        every = self.aws.regions == "all"
        configured = list(enabled or []) if every else list(self.aws.regions)
        wanted = [r for r in configured if not self.only or r in self.only]
        outside = [r for r in self.only if r not in configured]
        disabled = [r for r in wanted if enabled is not None and r not in enabled]
        account.regions = [r for r in wanted if r not in disabled]
        for region in outside:
            message = (_region_advice(account.account_id, region, "--region") if every else
                       f"region {region} (from --region) is not in aws.regions; add it there "
                       "or drop it from --region")
            yield UnavailableScope("aws", account.account_id, REGION_NOT_ENABLED, message,
                                   region=region)
        for region in disabled:
            yield UnavailableScope("aws", account.account_id, REGION_NOT_ENABLED,
                                   _region_advice(account.account_id, region, "aws.regions"),
                                   region=region)
        yield account

    def organization(self) -> Iterator[AwsAccount | UnavailableScope]:
        """The caller's account first (current credentials), then each ACTIVE member."""
        home = self.account(self.base)
        try:
            home.connect()
        except CloudError as exc:
            yield _unavailable("default", exc, None)
            return
        try:
            members = _active_members(home)
        except CloudError as exc:
            yield UnavailableScope("aws", home.account_id, exc.code,
                                   _org_advice(home.account_id, exc), region=GLOBAL)
            return
        explicit = {a.id: a for a in self.aws.accounts}
        own, partition = home.account_id, home.partition
        listed = set(members)
        if (own in listed or own in explicit) and self.owns(own):
            yield from self.with_regions(home)
        del home  # the runner owns it now; keep no memo alive here
        for account_id in [*members, *(a for a in explicit if a not in listed)]:
            if account_id == own or not self.owns(account_id):
                continue  # (another shard's accounts are not even assumed)
            cfg = explicit.get(account_id)
            role = (cfg.role_arn if cfg and cfg.role_arn else
                    f"arn:{partition}:iam::{account_id}:role/{self.aws.role_name}")
            yield from self.open(Target(account_id, role, cfg.external_id if cfg else None))

    def _assume(self, target: Target) -> boto3.Session:
        if self._sts is None:
            kwargs: dict[str, Any] = {"region_name": self.aws.home_region, "config": self.config}
            if self.endpoint_url:
                kwargs["endpoint_url"] = self.endpoint_url
            self._sts = self.base.client("sts", **kwargs)
        params = {"RoleArn": target.role_arn, "RoleSessionName": SESSION_NAME}
        if target.external_id:
            params["ExternalId"] = target.external_id
        try:
            creds = self._sts.assume_role(**params)["Credentials"]
        except ClientError as exc:
            err = exc.response.get("Error", {})
            raise CloudError(str(err.get("Code", "AssumeRoleFailed")),
                             str(err.get("Message", "")), operation="sts:AssumeRole") from exc
        except BotoCoreError as exc:
            raise CloudError(type(exc).__name__, str(exc), operation="sts:AssumeRole") from exc
        return self.session(creds["AccessKeyId"], creds["SecretAccessKey"],
                            creds["SessionToken"])


def open_accounts(
    aws: AwsSettings,
    sink: EvidenceSink,
    *,
    tool_version: str,
    endpoint_url: str | None,
    regions: Sequence[str] = (),
    base: boto3.Session | None = None,
    owns: Callable[[str], bool] | None = None,
) -> Iterator[AwsAccount | UnavailableScope]:
    """Each account of the run, connected and with its regions resolved, or why it is not.

    `regions` (from --region) narrows the configured regions; a region that is not enabled
    for an account (or is no AWS region at all) is reported once for that account. `owns`
    (--shard) says which organization members this process collects.
    """
    config = client_config(aws.max_workers, tool_version)
    opener = _Opener(aws, sink, base or boto3.Session(), config, endpoint_url, regions, owns)
    if aws.organization:
        yield from opener.organization()
        return
    targets = [Target(a.id, a.role_arn or _role(a.id, aws.role_name), a.external_id)
               for a in aws.accounts] or [Target(None)]
    for target in targets:
        yield from opener.open(target)


def _role(account_id: str, role_name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account_id}:role/{role_name}"


def _active_members(home: AwsAccount) -> list[str]:
    """Ids of the organization's ACTIVE accounts (recorded, paginated ListAccounts).

    DescribeOrganization first: it fails with AWSOrganizationsNotInUseException outside an
    organization, where some implementations list nothing instead of failing."""
    ctx = home.context(GLOBAL, CallLog())
    ctx.call("organizations", "describe_organization")
    # 20 is the API's largest page (real AWS may return fewer; moto would return 100)
    accounts = ctx.paginate("organizations", "list_accounts", "Accounts", MaxResults=20)
    if not accounts:
        raise CloudError("NoAccounts", "organizations:ListAccounts returned no account",
                         operation="organizations:ListAccounts")
    # `State` (2025) supersedes `Status`; either says whether the account can be read.
    return [str(a["Id"]) for a in accounts if (a.get("State") or a.get("Status")) == ACTIVE]


def _unavailable(scope: str, exc: CloudError, role_arn: str | None) -> UnavailableScope:
    return UnavailableScope("aws", scope, exc.code, _advice(exc, role_arn, scope))


def _advice(exc: CloudError, role_arn: str | None, scope: str = "default") -> str:
    """One line saying what failed and what to do about it."""
    who = "the current credentials" if scope == "default" else f"account {scope}"
    if exc.operation == "sts:AssumeRole":
        return (f"cannot assume {role_arn} ({exc.code}: {exc.detail}); check that the role "
                f"exists in account {scope} and its trust policy allows this identity "
                "(and the external id)")
    if exc.code in ("NoCredentials", "NoCredentialsError"):
        return ("no AWS credentials found (environment, shared config/credentials file, SSO, "
                "container or instance role); configure one of them")
    if exc.code in EXPIRED:
        return (f"the AWS credentials for {who} have expired; refresh them (e.g. aws sso "
                "login, or a new session token) and run again")
    if exc.code == "AccountMismatch":
        return f"{exc.detail}; fix aws.accounts (id or role_arn)"
    return f"{exc.operation or 'AWS'} failed for {who}: {exc.detail or exc.code}"


def _org_advice(account_id: str, exc: CloudError) -> str:
    if exc.code in NOT_MANAGEMENT:
        return (f"account {account_id} cannot list the organization's accounts ({exc.code}); "
                "run from the management account or a delegated administrator with "
                "organizations:ListAccounts, or set aws.organization: false and list the "
                "accounts under aws.accounts")
    return f"organizations:ListAccounts failed in account {account_id}: {exc.detail or exc.code}"


def _region_advice(account_id: str, region: str, source: str) -> str:
    return (f"region {region} is not enabled for account {account_id} or is not an AWS "
            f"region; enable it for the account or remove it from {source}")
