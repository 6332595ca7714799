"""`evidence collect|results|permissions` for GCP end to end: the real CLI, the Cloud Asset
fake over HTTP, SQLite. Requests are counted at the fake."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from google.auth.compute_engine import _metadata

from collector.demo.gcp_estate import DEV, ORG, PROD, asset, build_gcp_estate
from storage import Repository
from tests.fakes.gcp_asset import AssetEstate, gcp, gcp_fake
from tests.support.cli import run_cli

__all__ = ["gcp", "gcp_fake"]
Capsys = pytest.CaptureFixture[str]
CONTENT_KEYS = {1: "resource", 2: "iamPolicy", 4: "orgPolicy"}


def gcp_config(tmp_path: Path, endpoint: str | None, scopes: list[str] | None = None) -> Path:
    gcp_section: dict[str, Any] = {"scopes": scopes or [ORG]}
    if endpoint:
        gcp_section["endpoint"] = endpoint
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump({"aws": {"enabled": False}, "gcp": gcp_section}))
    return path


def collect(capsys: Capsys, config: Path, db: str) -> tuple[int, dict[str, Any], str]:
    res = run_cli(capsys, "--config", str(config), "--db", db, "collect", "--format", "json",
                  "--no-progress")
    return res.code, json.loads(res.out), res.err


def many_projects(count: int) -> list[dict[str, Any]]:
    """`count` more projects under the organisation, each with a few resources."""
    out: list[dict[str, Any]] = []
    for i in range(count):
        pid, number = f"team-{i:03d}", f"2000000{i:05d}"
        anc = [f"projects/{number}", ORG]
        base = asset(f"//compute.googleapis.com/projects/{pid}", "compute.googleapis.com/Project",
                     DEV, {"name": pid, "commonInstanceMetadata": {"items": []}})
        items = [
            {**asset(f"//cloudresourcemanager.googleapis.com/projects/{number}",
                     "cloudresourcemanager.googleapis.com/Project", DEV,
                     {"projectId": pid, "projectNumber": number, "lifecycleState": "ACTIVE"},
                     iamPolicy={"bindings": []})},
            base,
            asset(f"//storage.googleapis.com/{pid}-data", "storage.googleapis.com/Bucket", DEV,
                  {"name": f"{pid}-data"}, iamPolicy={"bindings": []}),
            asset(f"//compute.googleapis.com/projects/{pid}/zones/z/instances/vm",
                  "compute.googleapis.com/Instance", DEV, {"name": "vm"}),
        ]
        for item in items:
            item["ancestors"] = list(anc)
        out.extend(items)
    return out


def requests_by_read(gcp: AssetEstate) -> Counter[tuple[tuple[str, ...], int]]:
    return Counter((r.asset_types, r.content_type) for r in gcp.fake.list_requests())


def test_org_wide_collect_with_one_denied_asset_type(
    gcp: AssetEstate, tmp_path: Path, capsys: Capsys
) -> None:
    gcp.fake.state.deny.add("compute.googleapis.com/Instance")
    config = gcp_config(tmp_path, gcp.endpoint)
    db = f"sqlite:///{tmp_path / 'e.db'}"

    code, summary, err = collect(capsys, config, db)
    rows = [json.loads(line) for line in run_cli(
        capsys, "--config", str(config), "--db", db, "results", "--format", "json").out
        .splitlines()]

    assert code == 3 and summary["status"] == "partial", err
    denied = {r["check_id"] for r in rows if r["status"] == "error"}
    assert denied == {"gcp_compute_instance_no_public_ip", "gcp_os_login_enforced"}
    errors = [r for r in rows if r["status"] == "error"]
    for row in errors:
        assert row["message"].startswith("PERMISSION_DENIED: The caller does not have "
                                         "permission"), row["message"]
        assert "compute.googleapis.com/Instance" in row["message"]
    assert all(r["resource_id"] == f"//cloudresourcemanager.googleapis.com/{ORG}"
               for r in errors)
    judged = [r for r in rows if r["status"] in ("pass", "fail")]
    assert {r["check_id"] for r in judged} >= {"gcp_kms_key_rotation",
                                                "gcp_storage_bucket_not_public"}
    assert {r["provider"] for r in rows} == {"gcp"}
    assert {r["region"] for r in rows} == {"global"}
    assert {r["scope"] for r in judged} == {PROD, DEV, ORG}
    bucket = next(r for r in rows if r["resource_id"] == "//storage.googleapis.com/acme-public-site"
                  and r["check_id"] == "gcp_storage_bucket_not_public")
    assert (bucket["status"], bucket["scope"]) == ("fail", DEV)
    assert "CC6.6" in bucket["criteria"]


def test_requests_grow_with_asset_types_and_pages_not_resources_or_projects(
    gcp: AssetEstate, tmp_path: Path, capsys: Capsys
) -> None:
    config = gcp_config(tmp_path, gcp.endpoint)
    small = build_gcp_estate()
    big = [*small, *many_projects(40)]

    gcp.load(small, page_size=1000)
    collect(capsys, config, f"sqlite:///{tmp_path / 'a.db'}")
    one_page_small = requests_by_read(gcp)
    gcp.load(big, page_size=1000)
    collect(capsys, config, f"sqlite:///{tmp_path / 'b.db'}")
    one_page_big = requests_by_read(gcp)
    gcp.load(big, page_size=10)
    collect(capsys, config, f"sqlite:///{tmp_path / 'c.db'}")
    paged_big = requests_by_read(gcp)

    # one request per asset type and content type, however many projects and resources
    assert set(one_page_small.values()) == {1}
    assert one_page_big == one_page_small
    assert len(one_page_small) >= 25  # the 22 checks' distinct (asset type, content) reads
    # with small pages, each read takes exactly as many requests as it has pages
    for (types, content), n in paged_big.items():
        key = CONTENT_KEYS[content]
        found = sum(1 for a in big if a["assetType"] in types and key in a)
        assert n == max(1, math.ceil(found / 10)), (types, content, found, n)
    assert sum(paged_big.values()) > sum(one_page_big.values())


def test_permissions_for_gcp_name_the_role_and_exact_permissions(
    gcp: AssetEstate, tmp_path: Path, capsys: Capsys
) -> None:
    config = gcp_config(tmp_path, gcp.endpoint, [ORG, "projects/acme-dev"])

    full = run_cli(capsys, "--config", str(config), "permissions", "--provider", "gcp")
    one = run_cli(capsys, "--config", str(config), "permissions", "--provider", "gcp",
                  "--check", "gcp_kms_key_rotation")

    assert full.code == 0 and one.code == 0
    assert "roles/cloudasset.viewer" in full.out
    assert "gcloud organizations add-iam-policy-binding 123456789012" in full.out
    assert "gcloud projects add-iam-policy-binding acme-dev" in full.out
    assert yaml.safe_load(full.out)["includedPermissions"] == [
        "cloudasset.assets.listIamPolicy", "cloudasset.assets.listOrgPolicy",
        "cloudasset.assets.listResource"]
    assert yaml.safe_load(one.out)["includedPermissions"] == ["cloudasset.assets.listResource"]
    assert [line for line in one.out.splitlines() if line.startswith("#   gcp_")] == [
        "#   gcp_kms_key_rotation: cloudasset.assets.listResource"]


def test_a_scope_of_the_wrong_kind_is_a_config_error(tmp_path: Path, capsys: Capsys) -> None:
    config = gcp_config(tmp_path, None, ["billingAccounts/0123"])

    res = run_cli(capsys, "--config", str(config), "--db", f"sqlite:///{tmp_path / 'e.db'}",
                  "collect")

    assert res.code == 2
    assert "gcp.scopes" in res.err and "organizations/<number>" in res.err
    assert "Traceback" not in res.err and len(res.err.strip().splitlines()) == 1


def test_missing_credentials_and_disabled_api_are_one_clear_line_each(
    gcp: AssetEstate, tmp_path: Path, capsys: Capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))
    monkeypatch.setattr(_metadata, "_NO_GCE_CHECK", True)
    db = f"sqlite:///{tmp_path / 'e.db'}"

    code, summary, err = collect(capsys, gcp_config(tmp_path, None), db)
    gcp.fake.state.service_disabled = True
    code2, summary2, err2 = collect(capsys, gcp_config(tmp_path, gcp.endpoint), db)

    assert (code, summary["status"]) == (3, "failed")
    assert f"gcp {ORG}: NoCredentials: no Google credentials found" in " ".join(err.split())
    assert (code2, summary2["status"]) == (3, "failed")
    assert summary2["scope_errors"][0]["code"] == "SERVICE_DISABLED"
    assert "gcloud services enable cloudasset.googleapis.com" in " ".join(err2.split())


def test_an_unchanged_organisation_adds_no_evidence_on_the_next_run(
    gcp: AssetEstate, tmp_path: Path, capsys: Capsys
) -> None:
    config = gcp_config(tmp_path, gcp.endpoint)
    db = f"sqlite:///{tmp_path / 'e.db'}"

    collect(capsys, config, db)
    repo = Repository.open(db)
    first = repo.table_counts()
    collect(capsys, config, db)
    second = repo.table_counts()
    collect(capsys, config, db)
    third = repo.table_counts()
    repo.close()

    # one blob: the run contents sealing "no change" in the change index (the first run's
    # sealed every result set as new); later unchanged runs share it
    assert second["blobs"] == first["blobs"] + 1, "an unchanged estate stored new responses"
    assert third["blobs"] == second["blobs"], "an unchanged estate stored new responses"
    assert second["calls"] == first["calls"], "unchanged requests stored new provenance"
    assert second["runs"] == first["runs"] + 1
