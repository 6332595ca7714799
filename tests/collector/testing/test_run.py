"""The kit's one way to run a check and read its results (collector.testing.run)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.aws.s3_bucket_versioning_enabled import s3_bucket_versioning_enabled
from checks.aws.securityhub_enabled import securityhub_enabled
from collector.cloud.api import AwsApi
from collector.cloud.base import CallLog
from collector.model import Result, Status
from collector.plugin import check
from collector.testing import CheckRun, by_resource, replay_check, run_check, statuses
from collector.testing.aws import AwsEstate

RECORDINGS = Path(__file__).resolve().parents[2] / "checks" / "aws" / "recordings"


@check(id="aws_kit_echo", criteria=("CC2.1",), permissions=("sts:GetCallerIdentity",),
       scoping="global")
def echo(ctx: AwsApi, *, twice: bool = False, word: str = "ok") -> Iterator[Result]:
    """Says `word` about the account (twice when asked: a bug the kit must catch)."""
    yield Result.passed(ctx.account_arn, word)
    if twice:
        yield Result.failed(ctx.account_arn, word)


def test_results_by_resource_and_status(evidence_aws: AwsEstate) -> None:
    s3 = evidence_aws.client("s3")
    for name in ("kept", "lost"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket="kept", VersioningConfiguration={"Status": "Enabled"})

    run = evidence_aws.run_check(s3_bucket_versioning_enabled)

    assert isinstance(run, CheckRun) and run.check_id == "aws_s3_bucket_versioning_enabled"
    assert run.statuses == {"arn:aws:s3:::kept": Status.PASS, "arn:aws:s3:::lost": Status.FAIL}
    assert run.by_resource["arn:aws:s3:::lost"].message == "versioning has never been enabled"
    assert list(run) == list(run.results) and len(run) == 2


def test_params_override_the_declared_defaults(evidence_aws: AwsEstate) -> None:
    assert [r.message for r in evidence_aws.run_check(echo)] == ["ok"]
    ctx = evidence_aws.account().context("global", CallLog())
    assert [r.message for r in run_check(echo, ctx, {"word": "hello"})] == ["hello"]


def test_two_results_for_one_resource_fail_the_test(evidence_aws: AwsEstate) -> None:
    run = evidence_aws.run_check(echo, params={"twice": True})
    assert len(run) == 2
    with pytest.raises(AssertionError, match=r"more than one result for \['arn:aws:iam::"):
        run.by_resource  # noqa: B018
    with pytest.raises(AssertionError, match="more than one result"):
        statuses(run.results)


def test_by_resource_keeps_every_field() -> None:
    results = [Result("a", Status.ERROR, "denied", error_code="AccessDenied"),
               Result("b", Status.NOT_APPLICABLE, "none")]
    assert by_resource(results) == {"a": results[0], "b": results[1]}


def test_replay_runs_a_check_from_recorded_responses() -> None:
    folder = RECORDINGS / "securityhub_enabled"
    hub = "arn:aws:securityhub:us-east-1:123456789012:hub/default"
    complete = replay_check(securityhub_enabled, folder / "with_standard.json")
    partial = replay_check(securityhub_enabled, folder / "standard_incomplete.json")
    assert complete.check_id == "aws_securityhub_enabled"
    assert complete.statuses == {hub: Status.PASS}
    assert partial.statuses == {hub: Status.FAIL}
