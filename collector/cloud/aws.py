"""AWS: sessions, memoised and recorded calls, pagination, retries — the only boto3 user.

One `AwsAccount` per account and run holds the credentials, a client per service and region,
the memo shared by every check and region of that account, and the per-scope statistics.
Checks see an `AwsContext`: the account viewed from one region (or "global").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
from botocore.config import Config

from collector.cloud.aws_wire import Sent, send, strip_account_host
from collector.cloud.base import (
    GLOBAL,
    CallLog,
    CallSpec,
    CloudError,
    EvidenceSink,
    Memo,
    NotOffered,
    Outcome,
    ScopeStats,
    ScopeUnavailable,
    memoised_fetch,
    record_call,
)
from collector.cloud.normalise import normalise_response, redact_params
from storage.canonical import canonical_json

GLOBAL_SERVICES = frozenset({"iam", "s3", "s3control", "organizations", "cloudfront", "route53",
                             "sts"})
"""Services read once per account, never per region (S3: bucket listing and bucket settings)."""

UNGATED = 64
"""Requests in flight per account when no run-wide gate is given (tests, tools)."""
FANOUT = 8
"""Threads of one `prefetch`; requests on the wire stay bounded by the in-flight cap."""
WAIT_ATTEMPTS = 6
WAIT_BASE_SECONDS = 0.25
"""Polling for "not ready yet" answers (e.g. the IAM credential report being generated)."""


class AwsAccount:
    """One account for one run: credentials, clients, memo and scope statistics."""

    provider = "aws"

    def __init__(
        self,
        session: boto3.Session,
        *,
        sink: EvidenceSink,
        home_region: str,
        endpoint_url: str | None,
        config: Config,
    ) -> None:
        self.session = session
        self.sink = sink
        self.home_region = home_region
        self.endpoint_url = endpoint_url
        self.config = config
        self.memo = Memo()
        self.account_id = ""
        self.identity = ""
        self.partition = "aws"
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.stats: dict[str, ScopeStats] = {}
        self.regions: list[str] = []
        """Regions this run covers in the account (resolved by aws_accounts.open_accounts)."""
        self.in_flight: threading.Semaphore = threading.BoundedSemaphore(UNGATED)
        """Bounds requests on the wire; open_accounts shares one of `aws.max_workers` between
        all accounts of a run, so threads waiting on another check's memoised request do not
        count against it."""

    # -- setup ---------------------------------------------------------------------------
    def connect(self, expected_account: str | None = None) -> None:
        """Establish who we are (sts:GetCallerIdentity); a failure makes the scope unavailable."""
        log = CallLog()
        try:
            ident = self._fetch("sts", "get_caller_identity", {}, GLOBAL, log, None)
        except CloudError as exc:
            raise ScopeUnavailable(exc.code, exc.detail, operation="sts:GetCallerIdentity") from exc
        if not isinstance(ident, dict):
            raise ScopeUnavailable("NoIdentity", "sts:GetCallerIdentity returned nothing")
        self.account_id = str(ident["Account"])
        self.identity = str(ident["Arn"])
        self.partition = self.identity.split(":")[1] if self.identity.count(":") > 2 else "aws"
        for st in self.stats.values():
            st.scope, st.identity = self.account_id, self.identity
        if expected_account and self.account_id != expected_account:
            raise ScopeUnavailable(
                "AccountMismatch",
                f"credentials belong to account {self.account_id}, not {expected_account}",
            )

    def scope_stats(self, region: str) -> ScopeStats:
        with self._lock:
            st = self.stats.get(region)
            if st is None:
                st = ScopeStats("aws", self.account_id, region, self.identity)
                self.stats[region] = st
            return st

    def client(self, service: str, region: str) -> Any:
        with self._lock:  # boto3 sessions are not thread-safe; clients are
            key = (service, region)
            if key not in self._clients:
                kwargs: dict[str, Any] = {"region_name": region, "config": self.config}
                if self.endpoint_url:
                    kwargs["endpoint_url"] = self.endpoint_url
                client = self.session.client(service, **kwargs)
                if service == "s3control" and self.endpoint_url:
                    client.meta.events.register("before-sign.s3-control", strip_account_host)
                self._clients[key] = client
            return self._clients[key]

    @property
    def scope_id(self) -> str:
        return self.account_id

    def labels(self, scoping: str) -> list[str]:
        return [GLOBAL] if scoping == "global" else list(self.regions)

    def context(self, label: str, log: CallLog) -> AwsContext:
        return AwsContext(self, label, log)

    def scope_resource(self, label: str) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:root"

    def enabled_regions(self) -> list[str]:
        """The account's enabled regions (ec2:DescribeRegions without AllRegions)."""
        body = self._fetch("ec2", "describe_regions", {}, self.home_region, CallLog(), None)
        return sorted(r["RegionName"] for r in body["Regions"])

    # -- requests ------------------------------------------------------------------------
    def _fetch(
        self,
        service: str,
        operation: str,
        params: Mapping[str, Any],
        region: str,
        log: CallLog,
        page_key: str | None,
        absent: tuple[str, ...] = (),
        wait_for: tuple[str, ...] = (),
    ) -> Any:
        if service in GLOBAL_SERVICES:
            label = GLOBAL
        else:  # a regional API called from a global check goes to (and is recorded in) home
            label = self.home_region if region == GLOBAL else region
        key = (service, operation, label, canonical_json(params), page_key is not None)
        return memoised_fetch(self.memo, key,
                              lambda: self._request(service, operation, params, label,
                                                    page_key is not None, wait_for),
                              log, absent)

    def _offered(self, service: str, region: str) -> bool:
        """False when botocore's endpoint data says the service has no endpoint in `region`."""
        if self.endpoint_url:
            return True
        with self._lock:
            key = ("_offered", service)
            if key not in self._clients:
                self._clients[key] = self.session.get_available_regions(service, self.partition)
            offered = self._clients[key]
        return not offered or region in offered

    def _request(
        self,
        service: str,
        operation: str,
        params: Mapping[str, Any],
        label: str,
        paged: bool,
        wait_for: tuple[str, ...] = (),
    ) -> Outcome:
        region = self.home_region if label == GLOBAL else label
        stats = self.scope_stats(label)
        if not self._offered(service, region):
            err = NotOffered("ServiceNotInRegion", f"{service} is not offered in {region}")
            return Outcome(None, "", err)
        client = self.client(service, region)
        sent = Sent()
        for attempt in range(1, WAIT_ATTEMPTS + 1):
            with self.in_flight:
                sent = send(client, service, operation, params, paged, sent)
            if not (sent.error and sent.error.code in wait_for) or attempt == WAIT_ATTEMPTS:
                break
            time.sleep(WAIT_BASE_SECONDS * 2**attempt)
        body: Any = None
        stored: Any = None
        if sent.error is None:
            normalised = [normalise_response(service, operation, p) for p in sent.pages]
            body = normalised if paged else normalised[0]
            stored = {"pages": normalised} if paged else normalised[0]
        call = CallSpec("aws", service, operation, redact_params(params), self.account_id,
                        label, self.identity)
        digest = record_call(self.sink, stats, call, sent, stored)
        return Outcome(body, digest, sent.error)


class AwsContext:
    """What a check sees: one account from one region (or "global")."""

    provider = "aws"

    def __init__(self, account: AwsAccount, region: str, log: CallLog) -> None:
        self._account = account
        self.region = region
        self.log = log

    @property
    def account_id(self) -> str:
        return self._account.account_id

    @property
    def partition(self) -> str:
        return self._account.partition

    @property
    def regions(self) -> list[str]:
        """The regions this run covers in the account (a global check reading every one)."""
        return list(self._account.regions) or [self._account.home_region]

    def call(
        self,
        service: str,
        operation: str,
        *,
        absent: tuple[str, ...] = (),
        wait_for: tuple[str, ...] = (),
        **params: Any,
    ) -> Any:
        """One request (memoised per run, account and region).

        Error codes in `absent` mean "not configured" and return None (e.g.
        NoSuchBucketPolicy); codes in `wait_for` mean "not ready yet" and are polled with
        backoff (e.g. ReportInProgress). Any other error raises a `CloudError`.
        """
        return self._account._fetch(service, operation, params, self.region, self.log, None,
                                    absent, wait_for)

    def paginate(
        self, service: str, operation: str, key: str, *, absent: tuple[str, ...] = (),
        **params: Any,
    ) -> list[Any]:
        """Every item under `key` across all pages (memoised; pagination must complete)."""
        pages = self._account._fetch(service, operation, params, self.region, self.log, key,
                                     absent)
        if pages is None:
            return []
        items: list[Any] = []
        for page in pages:
            items.extend(page.get(key) or [])
        return items

    def prefetch(
        self, service: str, operation: str, params: Sequence[Mapping[str, Any]]
    ) -> None:
        """Make these requests concurrently now, so the check's own `call`s find them memoised.

        For per-resource reads (one request per key, bucket, table…): a check that loops over
        resources would otherwise wait for each request in turn. Errors are memoised like any
        outcome and raised by the later `call` (which also cites the evidence), never here.
        Requests on the wire stay bounded by the run's `aws.max_workers`.
        """
        todo = [dict(p) for p in params]
        if len(todo) < 2:
            return
        scratch = CallLog()  # citing happens in the check's own call
        with ThreadPoolExecutor(max_workers=min(FANOUT, len(todo)),
                                thread_name_prefix="evidence-fanout") as pool:
            for fut in [pool.submit(self._account._fetch, service, operation, p, self.region,
                                    scratch, None, ()) for p in todo]:
                fut.exception()  # wait; an error is memoised for the check's call to raise

    def in_region(self, region: str) -> AwsContext:
        """The same account and check, seen from another region (e.g. a trail's home region).

        Requests are still memoised and cited by this check."""
        return AwsContext(self._account, region, self.log)

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional and self.region != GLOBAL else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"

    @property
    def account_arn(self) -> str:
        """The account itself, for account-wide settings (root MFA, password policy…)."""
        return f"arn:{self.partition}:iam::{self.account_id}:root"
