"""Every region, efficiently: global services once per account, enabled regions, throttling
absorbed by adaptive retries, and scopes run concurrently on a bounded pool without holding
more than the active accounts in memory."""

from __future__ import annotations

import threading
import time
import weakref
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.retries.standard import ExponentialBackoff

from collector.cloud.base import CallLog, ScopeStats, ScopeTarget, UnavailableScope
from collector.cloud.replay import AwsReplayContext, Recording
from collector.demo.estate import build_aws_estate
from collector.model import Result
from collector.plan import Selection
from collector.plugin import check
from collector.pool import active_scopes
from collector.providers import OpenRequest
from collector.runner import Runner
from config.criteria import load_catalog
from config.loader import LoadedConfig, config_hash
from config.settings import AwsSettings, Settings
from storage import Repository
from tests.collector.cloud.test_aws_accounts import collect
from tests.conftest import Moto
from tests.fakes.throttle_proxy import ThrottleProxy, ec2_error, json_error, query_error

Capsys = pytest.CaptureFixture[str]
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
IAM_VERSION = b"Version=2010-05-08"
SPREAD = tuple(f"--check={c}" for c in (
    "aws_iam_password_policy_strong", "aws_iam_user_console_mfa", "aws_iam_root_mfa_enabled",
    "aws_s3_bucket_versioning_enabled", "aws_s3_bucket_default_encryption",
    "aws_ebs_volume_encrypted", "aws_kms_cmk_rotation_enabled",
    "aws_ec2_sg_no_admin_ports_from_internet"))
"""Global (IAM, S3) and regional (EC2, KMS) checks that moto serves completely (a request
moto does not implement answers 500 and is retried, which is not a duplicate)."""


def test_global_services_are_read_once_per_account_never_per_region(
    moto: Moto, tmp_path: Path, capsys: Capsys
) -> None:
    build_aws_estate(moto.endpoint)
    moto.server.clear_log()

    code, summary, _, repo = collect(capsys, tmp_path, {"regions": list(REGIONS),
                                                        "endpoint_url": moto.endpoint},
                                     *SPREAD)

    assert code in (0, 3), summary
    served = moto.server.requests
    assert [r for r, n in Counter(served).items() if n > 1] == [], "a request was repeated"
    iam = [r for r in served if IAM_VERSION in r.body]
    s3 = [r for r in served if not r.target and "Action=" not in r.query + r.body.decode()
          and r.method in ("GET", "HEAD")]
    assert iam and s3
    assert {r.region for r in iam} == {"us-east-1"}, "IAM must be called from home only"
    assert {r.region for r in s3} == {"us-east-1"}, "S3 must be called from home only"
    ops = Counter(r.operation for r in iam)
    assert ops["GetAccountPasswordPolicy"] == 1 and ops["GetCredentialReport"] >= 1
    assert sum(1 for r in s3 if r.path == "/" and not r.query) == 1  # ListBuckets, once
    volumes = [r for r in served if r.operation == "DescribeVolumes"]
    assert sorted(r.region for r in volumes) == sorted(REGIONS)  # regional: once per region
    sets = repo.result_sets(summary["run_id"])
    assert {r.region for r in sets if r.check_id == "aws_ebs_volume_encrypted"} == set(REGIONS)
    assert {r.region for r in sets if r.check_id == "aws_iam_password_policy_strong"} == {
        "global"}
    repo.close()


def test_regions_all_means_the_accounts_enabled_regions(
    moto: Moto, tmp_path: Path, capsys: Capsys
) -> None:
    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=moto.endpoint)
    enabled = {r["RegionName"] for r in ec2.describe_regions()["Regions"]}

    code, summary, err, repo = collect(capsys, tmp_path, {"regions": "all",
                                                          "endpoint_url": moto.endpoint},
                                       "--check", "aws_kms_cmk_rotation_enabled")

    assert code == 0 and err == []
    regions = {r.region for r in repo.result_sets(summary["run_id"])}
    assert regions == enabled and len(regions) > 10
    repo.close()


def test_adaptive_retries_absorb_throttling_and_are_counted(
    moto: Moto, tmp_path: Path, capsys: Capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_aws_estate(moto.endpoint)
    # botocore's backoff starts near 1 s; its delay is botocore's, not ours: make it 0 here.
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)
    faults = [query_error("GetAccountPasswordPolicy", "Throttling", times=2,
                          message="Rate exceeded"),
              ec2_error("DescribeVolumes", "RequestLimitExceeded", times=3),
              json_error("ListKeys", "ThrottlingException", times=1, message="Rate exceeded")]
    checks = ("--check", "aws_iam_password_policy_strong", "--check", "aws_ebs_volume_encrypted",
              "--check", "aws_kms_cmk_rotation_enabled")

    with ThrottleProxy(moto.endpoint, faults) as proxy:
        code, summary, err, repo = collect(
            capsys, tmp_path, {"regions": ["us-east-1", "eu-west-1"],
                               "endpoint_url": proxy.endpoint}, *checks)

    assert proxy.fired == {"GetAccountPasswordPolicy": 2, "DescribeVolumes": 3, "ListKeys": 1}
    assert code == 0 and summary["status"] == "complete", err
    assert summary["error"] == 0
    scopes = {s.region: s for s in repo.scopes(summary["run_id"])}
    assert sum(s.retries for s in scopes.values()) == 6
    assert scopes["global"].retries == 2
    assert all(s.errors == () for s in scopes.values())
    repo.close()


# -- concurrency over accounts, with bounded memory ---------------------------------------

@check(id="aws_test_slow", criteria=("CC7.2",), permissions=("x:Y",))
def slow(ctx: Any) -> Iterator[Result]:
    """Takes a little while (test only)."""
    ctx.enter()
    time.sleep(0.02)
    ctx.leave()
    yield Result.passed(f"arn:aws:x:{ctx.label}:{ctx.scope}:thing", "fine")


@dataclass
class Tracker:
    """Which scopes have a check running right now, and the most seen at once."""

    running: Counter[str] = field(default_factory=Counter)
    most: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def enter(self, scope: str) -> None:
        with self.lock:
            self.running[scope] += 1
            self.most = max(self.most, sum(1 for n in self.running.values() if n))

    def leave(self, scope: str) -> None:
        with self.lock:
            self.running[scope] -= 1


class Ctx(AwsReplayContext):
    """An AWS context over an empty recording that tells `tracker` when a check runs in it."""

    def __init__(self, tracker: Tracker, scope: str, label: str) -> None:
        super().__init__(Recording(scope), label)
        self.tracker, self.scope, self.label = tracker, scope, label

    def enter(self) -> None:
        self.tracker.enter(self.scope)

    def leave(self) -> None:
        self.tracker.leave(self.scope)


@dataclass
class Account:
    """A ScopeTarget holding a big memo, like a real account with its responses."""

    scope: str
    tracker: Tracker
    provider: str = "aws"
    identity: str = "arn:aws:iam::123456789012:user/t"
    stats: dict[str, ScopeStats] = field(default_factory=dict)
    memo: bytes = field(default_factory=lambda: bytes(1 << 20))

    @property
    def scope_id(self) -> str:
        return self.scope

    def labels(self, scoping: str) -> list[str]:
        return ["global"] if scoping == "global" else ["us-east-1", "eu-west-1", "eu-west-2"]

    def context(self, label: str, log: CallLog) -> Ctx:
        return Ctx(self.tracker, self.scope, label)

    def scope_resource(self, label: str) -> str:
        return f"arn:aws:iam::{self.scope}:root"


def test_accounts_run_concurrently_but_only_the_active_ones_stay_in_memory(
    tmp_path: Path,
) -> None:
    tracker = Tracker()
    alive: list[weakref.ref[Account]] = []
    most_alive = [0]

    def opener(settings: Settings, req: OpenRequest) -> Iterator[ScopeTarget | UnavailableScope]:
        for n in range(8):
            most_alive[0] = max(most_alive[0], sum(1 for r in alive if r() is not None))
            account = Account(f"{n:012d}", tracker)
            alive.append(weakref.ref(account))
            yield account
            del account

    settings = Settings(aws=AwsSettings(regions=["us-east-1"], max_workers=4))
    repo = Repository.open(f"sqlite:///{tmp_path / 'e.db'}")
    runner = Runner(repo, LoadedConfig(settings, None, config_hash(settings)), load_catalog(),
                    [slow], openers={"aws": opener})
    outcome = runner.run(Selection())

    assert outcome.status == "complete" and outcome.counts["pass"] == 8 * 3
    assert tracker.most >= 2, "accounts never overlapped"
    # the runner holds at most active_scopes(4) == 2 accounts, plus the one just handed over
    assert most_alive[0] <= active_scopes(4) + 1 == 3
    assert len({s.scope for s in repo.scopes(outcome.run_id)}) == 0  # fake targets: no stats
    assert len({r.scope for r in repo.result_sets(outcome.run_id)}) == 8
    repo.close()


def test_max_workers_bounds_requests_in_flight_across_accounts(
    moto: Moto, tmp_path: Path, capsys: Capsys
) -> None:
    build_aws_estate(moto.endpoint)
    aws = {"regions": list(REGIONS), "max_workers": 2,
           "accounts": [{"id": "111111111111"}, {"id": "222222222222"}]}

    with ThrottleProxy(moto.endpoint, []) as proxy:
        code, summary, err, repo = collect(capsys, tmp_path, {**aws,
                                                              "endpoint_url": proxy.endpoint},
                                           *SPREAD)

    assert code == 0 and summary["status"] == "complete", err
    assert len({r.scope for r in repo.result_sets(summary["run_id"])}) == 2
    # two request slots; the opener's sts:AssumeRole for the next account is not gated
    assert 2 <= proxy.most_in_flight <= 3
    repo.close()
