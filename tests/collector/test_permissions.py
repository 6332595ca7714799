"""Least privilege: a collection under moto's IAM enforcement with exactly the generated policy.

With the policy `evidence permissions --provider aws` prints, no check sees AccessDenied; with
one action removed, only the checks that declare it error (with AWS's own error code) and
every other check produces exactly the results it produced before.

moto quirks, handled here and only here: moto names some S3 actions by something other than
their IAM action, and the name changed between versions. Up to 5.1 it authorises the bucket
sub-resource GETs it does not map (GetBucketEncryption, GetObjectLockConfiguration, …) as
`s3:ListBucket`; from 5.2 it authorises every S3 request by its botocore operation name
(`s3:ListBuckets`, `s3:GetBucketEncryption`, …; real IAM: s3:ListAllMyBuckets,
s3:GetEncryptionConfiguration, …); both authorise s3control's GetPublicAccessBlock as
`s3:GetPublicAccessBlock` (real IAM: s3:GetAccountPublicAccessBlock). The test policy adds those
names (MOTO_S3_ALIASES); none of them is an action our checks declare, so they cannot stand in
for one the generated policy lacks. Under enforcement moto also rejects every REST-JSON request
(GuardDuty, Backup, Security Hub) with SignatureDoesNotMatch whatever the policy: those checks
error the same way in both runs, with that code and not AccessDenied, so the comparison still
holds but their permissions are not proven here. The removed action is kms:GetKeyRotationStatus,
which moto maps faithfully (X-Amz-Target TrentService.GetKeyRotationStatus -> kms:...).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.retries.standard import ExponentialBackoff

from collector.cloud.aws_wire import ACCESS_DENIED
from collector.demo.estate import build_aws_estate
from collector.permissions.aws import actions, policy
from collector.plan import Selection
from collector.plugin import Check, discover
from collector.results import ResultRow, result_rows
from collector.runner import Runner
from config.criteria import load_catalog
from config.loader import LoadedConfig, config_hash
from config.settings import AwsSettings, Settings
from storage import Repository
from tests.conftest import Moto
from tests.support.cli import run_cli, write_config

MOTO_S3_ALIASES = (
    "s3:ListBucket",  # moto <= 5.1: sub-resource GETs it does not map
    "s3:GetPublicAccessBlock",  # s3control and bucket GetPublicAccessBlock
    "s3:ListBuckets", "s3:GetBucketEncryption", "s3:GetObjectLockConfiguration",  # moto >= 5.2
)
REMOVED = "kms:GetKeyRotationStatus"
Row = tuple[str, str, str, str]


MOTO_UNSERVED = {
    "aws_ebs_snapshot_not_public": "ec2:GetSnapshotBlockPublicAccessState is not implemented",
    "aws_ssm_instances_patch_compliant": "ssm:DescribeInstanceInformation is not implemented",
}
"""Checks moto answers with HTTP 500 (not implemented): botocore retries each such request,
which under IAM enforcement takes tens of seconds, and proves nothing about permissions. They
are tested with recorded responses instead (see their docstrings)."""


def aws_checks() -> list[Check]:
    return [c for c in discover().select(providers=["aws"]) if c.id not in MOTO_UNSERVED]


def principal(moto: Moto, name: str, allowed: list[str]) -> dict[str, str]:
    """An IAM user allowed exactly `allowed` (the generated document's shape); its keys."""
    iam = moto.client("iam")
    iam.create_user(UserName=name)
    doc = policy(aws_checks())
    doc["Statement"] = [{**doc["Statement"][0], "Action": allowed}]  # type: ignore[index]
    iam.put_user_policy(UserName=name, PolicyName="evidence", PolicyDocument=json.dumps(doc))
    key: dict[str, str] = iam.create_access_key(UserName=name)["AccessKey"]
    return key


def collect_as(moto: Moto, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
               key: dict[str, str]) -> tuple[list[ResultRow], set[str]]:
    """Collect every AWS check with `key` under IAM enforcement.

    Returns the results and every error code the scopes' requests saw."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    settings = Settings(aws=AwsSettings(regions=["us-east-1"], endpoint_url=moto.endpoint,
                                        max_workers=4))
    repo = Repository.open(f"sqlite:///{tmp_path / key['UserName']}.db")
    runner = Runner(repo, LoadedConfig(settings, None, config_hash(settings)), load_catalog(),
                    aws_checks())
    moto.server.set_iam_enforcement(True)
    try:
        outcome = runner.run(Selection())
    finally:
        moto.server.set_iam_enforcement(False)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    rows = list(result_rows(repo, repo.get_run(outcome.run_id)))
    codes = {code for s in repo.scopes(outcome.run_id) for code, _ in s.errors}
    repo.close()
    assert rows
    return rows, codes


def key(row: ResultRow) -> Row:
    return (row.check_id, row.region, row.resource_id, row.status)


@pytest.fixture
def estate(moto: Moto, monkeypatch: pytest.MonkeyPatch) -> Iterator[Moto]:
    build_aws_estate(moto.endpoint)
    # requests moto does not implement answer 500 and are retried; botocore's backoff (~1 s
    # and growing) is botocore's, not ours: make it 0 so the test stays fast.
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)
    yield moto


def test_exact_policy_has_no_access_denied_and_one_action_less_denies_only_its_checks(
    estate: Moto, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = actions(aws_checks())
    assert REMOVED in exact
    assert not set(MOTO_S3_ALIASES) & set(exact), "an alias would hide a declared action"

    allowed = [*exact, *MOTO_S3_ALIASES]
    full_key = principal(estate, "auditor", allowed)
    less_key = principal(estate, "auditor-less", [a for a in allowed if a != REMOVED])

    full, codes = collect_as(estate, tmp_path, monkeypatch, full_key)

    denied = [r for r in full if r.error_code in ACCESS_DENIED]
    assert denied == [], [(r.check_id, r.message) for r in denied]
    assert codes & ACCESS_DENIED == set(), "a request was denied"
    needing = {c.id for c in aws_checks() if REMOVED in c.permissions}
    assert needing == {"aws_kms_cmk_rotation_enabled"}
    kms = [r for r in full if r.check_id in needing]
    assert {r.status for r in kms} == {"pass", "fail"}

    less, codes = collect_as(estate, tmp_path, monkeypatch, less_key)

    broken = [r for r in less if r.check_id in needing]
    # the service's own code: real KMS says AccessDeniedException, moto says AccessDenied
    (code,) = {r.error_code for r in broken}
    assert code in ("AccessDenied", "AccessDeniedException")
    assert {r.status for r in broken} == {"error"}
    assert all(REMOVED.split(":")[1] in r.message for r in broken)
    assert codes & ACCESS_DENIED == {code}
    others_before = sorted(key(r) for r in full if r.check_id not in needing)
    others_after = sorted(key(r) for r in less if r.check_id not in needing)
    assert others_after == others_before


def test_permissions_cli_prints_the_policy_the_checks_declare(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path / "evidence.yaml", "http://127.0.0.1:1",
                          aws={"organization": True, "regions": ["us-east-1"]})

    res = run_cli(capsys, "--config", str(config), "permissions", "--provider", "aws",
                  "--check", "aws_kms_*")

    assert res.code == 0, res.err
    doc = json.loads(res.out)
    (statement,) = doc["Statement"]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    assert statement["Action"] == sorted([
        "ec2:DescribeRegions", "kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:ListKeys",
        "organizations:DescribeOrganization", "organizations:ListAccounts", "sts:AssumeRole",
        "sts:GetCallerIdentity"])
