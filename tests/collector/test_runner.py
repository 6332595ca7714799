"""The runner: cloud errors become recorded results, the run goes on, statuses are honest."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from checks.aws.kms_cmk_rotation_enabled import kms_cmk_rotation_enabled
from collector.cloud.base import (
    AccessDenied,
    CallLog,
    NotOffered,
    ScopeStats,
    ScopeTarget,
    UnavailableScope,
)
from collector.model import Result
from collector.plan import Selection
from collector.plugin import check
from collector.providers import OpenRequest
from collector.results import result_rows
from collector.runner import Runner
from config.criteria import load_catalog
from config.loader import LoadedConfig, config_hash
from config.settings import AwsSettings, Settings
from storage import Repository
from tests.conftest import Moto


@check(id="aws_test_denied", criteria=("CC6.1",), permissions=("x:Y",))
def denied(ctx: Any) -> Iterator[Result]:
    """Always denied (test only)."""
    yield Result.passed("arn:aws:x:::before", "collected before the error")
    raise AccessDenied("AccessDeniedException", "not authorized to perform x:Y", operation="x:Y")


@check(id="aws_test_not_offered", criteria=("CC6.1",), permissions=("x:Y",))
def not_offered(ctx: Any) -> Iterator[Result]:
    """Service not in this region (test only)."""
    raise NotOffered("ServiceNotInRegion", "x is not offered in ap-east-2")
    yield  # pragma: no cover


@check(id="aws_test_ok", criteria=("CC7.2",), permissions=("x:Y",))
def ok(ctx: Any) -> Iterator[Result]:
    """Always fine (test only)."""
    yield Result.passed(f"arn:aws:x:{ctx}:123456789012:thing", "fine")


@dataclass
class Target:
    """A ScopeTarget over nothing: contexts are just the region label."""

    scope: str
    provider: str = "aws"
    identity: str = "arn:aws:iam::123456789012:user/t"
    stats: dict[str, ScopeStats] = field(default_factory=dict)

    @property
    def scope_id(self) -> str:
        return self.scope

    def labels(self, scoping: str) -> list[str]:
        return ["global"] if scoping == "global" else ["us-east-1", "eu-west-1"]

    def context(self, label: str, log: CallLog) -> str:
        return label

    def scope_resource(self, label: str) -> str:
        return f"arn:aws:iam::{self.scope}:root"


def opener(items: list[ScopeTarget | UnavailableScope]) -> Any:
    def open_(settings: Settings, req: OpenRequest) -> Iterator[ScopeTarget | UnavailableScope]:
        yield from items
    return open_


def run(repo: Repository, checks: list[Any], items: list[Any]) -> Any:
    settings = Settings(aws=AwsSettings(regions=["us-east-1"]))
    runner = Runner(repo, LoadedConfig(settings, None, config_hash(settings)), load_catalog(),
                    checks, openers={"aws": opener(items)})
    return runner.run(Selection())


@pytest.fixture
def repo(tmp_path: Any) -> Iterator[Repository]:
    r = Repository.open(f"sqlite:///{tmp_path / 'e.db'}")
    yield r
    r.close()


def test_errors_and_not_offered_become_results_and_the_run_goes_on(repo: Repository) -> None:
    outcome = run(repo, [denied, not_offered, ok], [Target("123456789012")])

    assert outcome.status == "partial"
    rows = {(r.check_id, r.region, r.resource_id): r
            for r in result_rows(repo, repo.get_run(outcome.run_id))}
    err = rows[("aws_test_denied", "us-east-1", "arn:aws:iam::123456789012:root")]
    assert err.status == "error" and err.error_code == "AccessDeniedException"
    message = err.contract()["message"]
    assert isinstance(message, str) and message.startswith("AccessDeniedException: not authorized")
    assert rows[("aws_test_denied", "us-east-1", "arn:aws:x:::before")].status == "pass"
    na = rows[("aws_test_not_offered", "eu-west-1", "arn:aws:iam::123456789012:root")]
    assert na.status == "not_applicable" and na.error_code == "ServiceNotInRegion"
    assert rows[("aws_test_ok", "eu-west-1", "arn:aws:x:eu-west-1:123456789012:thing")]
    assert outcome.counts == {"pass": 4, "fail": 0, "error": 2, "not_applicable": 2}


def test_unavailable_scope_is_one_recorded_error_and_others_still_run(repo: Repository) -> None:
    bad = UnavailableScope("aws", "222222222222", "AccessDenied", "cannot assume role")
    outcome = run(repo, [ok], [bad, Target("123456789012")])

    assert outcome.status == "partial"
    scopes = {s.scope: s for s in repo.scopes(outcome.run_id)}
    assert scopes["222222222222"].errors == (("AccessDenied", "cannot assume role"),)
    assert repo.result_sets(outcome.run_id)  # the good account was collected
    assert repo.verify_chain().ok


def test_only_unavailable_scopes_fail_the_run(repo: Repository) -> None:
    bad = UnavailableScope("aws", "default", "NoCredentials", "no AWS credentials found")
    outcome = run(repo, [ok], [bad])
    assert outcome.status == "failed"


def test_a_crashing_check_is_an_error_result_not_a_crash(repo: Repository) -> None:
    @check(id="aws_test_bug", criteria=("CC6.1",), permissions=("x:Y",))
    def buggy(ctx: Any) -> Iterator[Result]:
        """Has a bug (test only)."""
        yield Result.passed(json.loads("{}")["missing"], "never")

    outcome = run(repo, [buggy, ok], [Target("123456789012")])

    rows = list(result_rows(repo, repo.get_run(outcome.run_id)))
    bug = [r for r in rows if r.check_id == "aws_test_bug"]
    assert {r.error_code for r in bug} == {"CheckCrashed:KeyError"}
    assert outcome.status == "partial"


def test_access_denied_from_moto_iam_enforcement(
    moto: Moto, repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    iam = moto.client("iam")
    iam.create_user(UserName="auditor")
    iam.put_user_policy(UserName="auditor", PolicyName="ro", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Resource": "*",
                       "Action": ["sts:GetCallerIdentity", "kms:ListKeys", "kms:DescribeKey"]}],
    }))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    moto.client("kms").create_key()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    settings = Settings(aws=AwsSettings(regions=["us-east-1"], endpoint_url=moto.endpoint))
    runner = Runner(repo, LoadedConfig(settings, None, config_hash(settings)), load_catalog(),
                    [kms_cmk_rotation_enabled])
    moto.server.set_iam_enforcement(True)
    try:
        outcome = runner.run(Selection())
    finally:
        moto.server.set_iam_enforcement(False)

    rows = list(result_rows(repo, repo.get_run(outcome.run_id)))
    assert outcome.status == "partial"
    assert [(r.status, r.error_code) for r in rows] == [("error", "AccessDenied")]
    assert "kms:GetKeyRotationStatus" in rows[0].message
