"""Which accounts a run covers: explicit roles, AWS Organizations, and what goes wrong.

Against moto's Organizations and STS over HTTP; faults moto cannot produce (a role that cannot
be assumed, expired credentials, AccessDenied on ListAccounts) come from the throttle proxy.
Every fault must give ONE stderr line naming the account and what to do, and keep what the
other accounts collected.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from moto.sts.models import sts_backends

from collector.cloud.aws import AwsAccount
from collector.cloud.aws_accounts import open_accounts
from collector.cloud.base import UnavailableScope
from config.settings import AwsAccount as AccountCfg
from config.settings import AwsSettings
from storage import Repository
from tests.conftest import Moto
from tests.fakes.throttle_proxy import ThrottleProxy, json_error, query_error
from tests.support.cli import run_cli
from tests.support.memory_sink import MemorySink

Capsys = pytest.CaptureFixture[str]
MANAGEMENT = "123456789012"
CHECKS = ("--check", "aws_iam_password_policy_strong", "--check", "aws_ebs_volume_encrypted")


def opened(settings: AwsSettings, endpoint: str, sink: MemorySink | None = None,
           regions: tuple[str, ...] = ()) -> list[AwsAccount | UnavailableScope]:
    return list(open_accounts(settings, sink or MemorySink(), tool_version="test",
                              endpoint_url=endpoint, regions=regions))


def organization(moto: Moto, members: int = 3, suspend: int = 1) -> list[str]:
    """An organization managed by the default account; returns the member ids, in order."""
    org = moto.client("organizations")
    org.create_organization(FeatureSet="ALL")
    ids = []
    for n in range(members):
        status = org.create_account(AccountName=f"member-{n}", Email=f"m{n}@example.com")
        ids.append(status["CreateAccountStatus"]["AccountId"])
    for account_id in ids[:suspend]:
        org.close_account(AccountId=account_id)
    return ids


def collect(capsys: Capsys, tmp_path: Path, aws: dict[str, Any], *args: str) -> tuple[
        int, dict[str, Any], list[str], Repository]:
    """`evidence collect` with this aws section; (exit code, summary, stderr lines, repo)."""
    config = tmp_path / "evidence.yaml"
    config.write_text(yaml.safe_dump({"aws": {"max_workers": 4, **aws}}))
    db = f"sqlite:///{tmp_path / 'e.db'}"
    res = run_cli(capsys, "--config", str(config), "--db", db, "collect", "--format", "json",
                  "--no-progress", *args)
    # (structured log records, one JSON object a line, are not messages to the user)
    lines = [ln for ln in res.err.splitlines() if ln.strip() and not ln.startswith("{")]
    summary = json.loads(res.out) if res.out.strip() else {}
    return res.code, summary, lines, Repository.open(db)


@pytest.fixture
def proxy(moto: Moto) -> Iterator[ThrottleProxy]:
    with ThrottleProxy(moto.endpoint, []) as p:
        yield p


# -- explicit accounts -------------------------------------------------------------------


def test_explicit_accounts_assume_their_role_with_the_external_id(moto: Moto) -> None:
    settings = AwsSettings(regions=["us-east-1"], accounts=[
        AccountCfg(id="111111111111", role_arn="arn:aws:iam::111111111111:role/Reader",
                   external_id="acme-soc2"),
        AccountCfg(id="222222222222"),
    ])
    accounts = opened(settings, moto.endpoint)

    assert [type(a) for a in accounts] == [AwsAccount, AwsAccount]
    first, second = accounts
    assert isinstance(first, AwsAccount) and isinstance(second, AwsAccount)
    assert first.account_id == "111111111111"
    assert first.identity.startswith("arn:aws:sts::111111111111:assumed-role/Reader/")
    assert second.identity.startswith("arn:aws:sts::222222222222:assumed-role/EvidenceReader/")
    assert first.regions == second.regions == ["us-east-1"]
    roles = sts_backends["111111111111"]["aws"].assumed_roles
    assert [r.external_id for r in roles if r.role_arn.endswith("role/Reader")] == ["acme-soc2"]


def test_a_role_that_cannot_be_assumed_is_one_error_and_the_others_are_collected(
    moto: Moto, proxy: ThrottleProxy, tmp_path: Path, capsys: Capsys
) -> None:
    proxy.faults.append(query_error("AssumeRole", "AccessDenied", times=None,
                                    match="222222222222"))
    aws = {"regions": ["us-east-1"], "endpoint_url": proxy.endpoint,
           "accounts": [{"id": "111111111111"}, {"id": "222222222222"}]}

    code, summary, err, repo = collect(capsys, tmp_path, aws, *CHECKS)

    assert code == 3 and summary["status"] == "partial"
    assert len(err) == 1, err
    assert "222222222222" in err[0] and "AccessDenied" in err[0]
    assert "trust policy" in err[0]
    scopes = {(s.scope, s.region): s for s in repo.scopes(summary["run_id"])}
    assert scopes[("222222222222", "global")].errors[0][0] == "AccessDenied"
    collected = {r.scope for r in repo.result_sets(summary["run_id"])}
    assert collected == {"111111111111"}
    repo.close()


# -- organizations ----------------------------------------------------------------------


def test_organization_lists_active_members_and_reads_its_own_account_directly(
    moto: Moto,
) -> None:
    suspended, *active = organization(moto, members=3, suspend=1)
    sink = MemorySink()
    settings = AwsSettings(regions=["us-east-1"], organization=True, role_name="Auditor")

    accounts = opened(settings, moto.endpoint, sink)

    assert all(isinstance(a, AwsAccount) for a in accounts)
    ids = [a.account_id for a in accounts if isinstance(a, AwsAccount)]
    assert ids == [MANAGEMENT, *active], "management first, suspended member skipped"
    assert suspended not in ids
    management, *members = (a for a in accounts if isinstance(a, AwsAccount))
    assert ":assumed-role/" not in management.identity  # current credentials, no role
    for member in members:
        assert member.identity.startswith(
            f"arn:aws:sts::{member.account_id}:assumed-role/Auditor/evidence-collector")
    listing = [c for c in sink.calls.values() if c.operation == "list_accounts"]
    assert len(listing) == 1 and listing[0].scope == MANAGEMENT and listing[0].complete
    assert listing[0].service == "organizations" and listing[0].response_sha256 in sink.blobs


def test_organization_listing_is_paginated(moto: Moto) -> None:
    organization(moto, members=25, suspend=0)  # moto pages ListAccounts by 20
    sink = MemorySink()
    stream = open_accounts(AwsSettings(regions=["us-east-1"], organization=True), sink,
                           tool_version="t", endpoint_url=moto.endpoint)

    first = next(stream)  # the listing is complete before any account is handed out

    assert isinstance(first, AwsAccount) and first.account_id == MANAGEMENT
    (listing,) = [c for c in sink.calls.values() if c.operation == "list_accounts"]
    assert listing.pages == 2 and listing.complete
    assert listing.response_sha256 is not None
    stored = json.loads(sink.blobs[listing.response_sha256])
    assert sum(len(p["Accounts"]) for p in stored["pages"]) == 26


def test_organization_collect_end_to_end_keeps_members_when_one_role_fails(
    moto: Moto, proxy: ThrottleProxy, tmp_path: Path, capsys: Capsys
) -> None:
    _, good, bad = organization(moto, members=3, suspend=1)
    proxy.faults.append(query_error("AssumeRole", "AccessDenied", times=None, match=bad))
    aws = {"regions": ["us-east-1", "eu-west-1"], "endpoint_url": proxy.endpoint,
           "organization": True}

    code, summary, err, repo = collect(capsys, tmp_path, aws, *CHECKS)

    assert code == 3 and summary["status"] == "partial"
    assert len(err) == 1 and bad in err[0] and "role/EvidenceReader" in err[0]
    sets = repo.result_sets(summary["run_id"])
    assert {r.scope for r in sets} == {MANAGEMENT, good}
    assert {(r.scope, r.region) for r in sets if r.check_id == "aws_ebs_volume_encrypted"} == {
        (s, r) for s in (MANAGEMENT, good) for r in ("us-east-1", "eu-west-1")}
    scopes = {(s.scope, s.region) for s in repo.scopes(summary["run_id"])}
    assert (bad, "global") in scopes and (good, "global") in scopes
    repo.close()


def test_organizations_not_in_use_is_one_line_naming_the_account(
    moto: Moto, tmp_path: Path, capsys: Capsys
) -> None:
    aws = {"regions": ["us-east-1"], "endpoint_url": moto.endpoint, "organization": True}

    code, summary, err, repo = collect(capsys, tmp_path, aws, *CHECKS)

    assert code == 3 and summary["status"] == "failed"
    assert len(err) == 1, err
    assert "AWSOrganizationsNotInUseException" in err[0] and MANAGEMENT in err[0]
    assert "management account" in err[0] and "aws.accounts" in err[0]
    repo.close()


def test_organizations_access_denied_from_a_member_is_one_line(
    moto: Moto, proxy: ThrottleProxy, tmp_path: Path, capsys: Capsys
) -> None:
    organization(moto, members=1, suspend=0)
    proxy.faults.append(json_error("ListAccounts", "AccessDeniedException", times=None,
                                   message="You don't have permissions to access this resource."))
    aws = {"regions": ["us-east-1"], "endpoint_url": proxy.endpoint, "organization": True}

    code, summary, err, repo = collect(capsys, tmp_path, aws, *CHECKS)

    assert code == 3 and summary["status"] == "failed"
    assert len(err) == 1 and "AccessDeniedException" in err[0] and MANAGEMENT in err[0]
    assert "delegated administrator" in err[0]
    repo.close()


# -- bad input and faults ---------------------------------------------------------------


def test_expired_credentials_of_one_account_are_one_line_and_others_are_kept(
    moto: Moto, proxy: ThrottleProxy, tmp_path: Path, capsys: Capsys
) -> None:
    # accounts are opened in order: the second GetCallerIdentity is the second account's
    proxy.faults.append(query_error("GetCallerIdentity", "ExpiredToken", after=1,
                                    message="The security token included in the request "
                                            "is expired"))
    aws = {"regions": ["us-east-1"], "endpoint_url": proxy.endpoint,
           "accounts": [{"id": "111111111111"}, {"id": "222222222222"}]}

    code, summary, err, repo = collect(capsys, tmp_path, aws, *CHECKS)

    assert code == 3 and summary["status"] == "partial"
    assert len(err) == 1, err
    assert "222222222222" in err[0] and "ExpiredToken" in err[0]
    assert "refresh" in err[0]
    assert {r.scope for r in repo.result_sets(summary["run_id"])} == {"111111111111"}
    repo.close()


def test_unknown_region_is_one_line_and_the_other_regions_are_kept(
    moto: Moto, tmp_path: Path, capsys: Capsys
) -> None:
    aws = {"regions": ["us-east-1", "us-east-9"], "endpoint_url": moto.endpoint}

    code, summary, err, repo = collect(capsys, tmp_path, aws, *CHECKS)

    assert code == 3 and summary["status"] == "partial"
    assert len(err) == 1, err
    assert MANAGEMENT in err[0] and "us-east-9" in err[0] and "RegionNotEnabled" in err[0]
    assert "remove it from aws.regions" in err[0]
    sets = repo.result_sets(summary["run_id"])
    assert {(r.check_id, r.region) for r in sets} == {
        ("aws_iam_password_policy_strong", "global"), ("aws_ebs_volume_encrypted", "us-east-1")}
    scopes = {(s.scope, s.region): s for s in repo.scopes(summary["run_id"])}
    assert scopes[(MANAGEMENT, "us-east-9")].errors[0][0] == "RegionNotEnabled"
    repo.close()


def test_unknown_region_on_the_command_line_is_reported_too(moto: Moto) -> None:
    items = opened(AwsSettings(regions="all"), moto.endpoint, regions=("eu-west-1", "xx-ab-1"))

    accounts = [a for a in items if isinstance(a, AwsAccount)]
    errors = [a for a in items if isinstance(a, UnavailableScope)]
    assert [a.regions for a in accounts] == [["eu-west-1"]]
    assert [(e.region, e.code) for e in errors] == [("xx-ab-1", "RegionNotEnabled")]
    assert "--region" in errors[0].message


def test_malformed_role_arn_is_a_config_error_naming_the_key(
    tmp_path: Path, capsys: Capsys
) -> None:
    config = tmp_path / "evidence.yaml"
    config.write_text(yaml.safe_dump({"aws": {"accounts": [
        {"id": "111111111111", "role_arn": "arn:aws:iam::1111:role/Reader"}]}}))

    res = run_cli(capsys, "--config", str(config), "--db", f"sqlite:///{tmp_path / 'e.db'}",
                  "collect")

    assert res.code == 2
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.err
    assert "aws.accounts[0].role_arn" in lines[0] and "evidence.yaml" in lines[0]
    assert "role ARN" in lines[0]


def test_accounts_are_opened_lazily(moto: Moto) -> None:
    settings = AwsSettings(regions=["us-east-1"], accounts=[
        AccountCfg(id=f"{n}" * 12) for n in range(1, 4)])
    stream = open_accounts(settings, MemorySink(), tool_version="t", endpoint_url=moto.endpoint)
    moto.server.clear_log()

    first = next(stream)

    assert isinstance(first, AwsAccount) and first.account_id == "111111111111"
    assumed = [r for r in moto.server.requests if r.operation == "AssumeRole"]
    assert len(assumed) == 1, "later accounts must not be opened before they are needed"



def test_a_shard_assumes_only_the_organization_members_it_owns(moto: Moto) -> None:
    members = organization(moto, members=3, suspend=0)
    moto.server.clear_log()

    items = list(open_accounts(AwsSettings(regions=["us-east-1"], organization=True),
                               MemorySink(), tool_version="t", endpoint_url=moto.endpoint,
                               owns=lambda account_id: account_id == members[1]))

    assert [a.scope_id for a in items if isinstance(a, AwsAccount)] == [members[1]]
    assert [r.operation for r in moto.server.requests].count("AssumeRole") == 1
