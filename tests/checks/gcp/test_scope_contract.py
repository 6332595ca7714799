"""Results contract: every GCP result's `scope` is its resource's own project id (`acme-dev`,
never `projects/acme-dev` nor a project number), under organisation, folder and project scopes
alike; organisation- and folder-level resources carry their node (`organizations/N`)."""

from __future__ import annotations

import pytest

import checks.gcp
from checks.gcp.scc_threat_detection_enabled import scc_threat_detection_enabled
from collector.demo.gcp_estate import DEV, FOLDER, ORG, PROD, build_gcp_estate
from collector.model import Result
from collector.plugin import checks_in
from tests.fakes.gcp_asset import AssetEstate

GCP_CHECKS = sorted(checks_in(checks.gcp), key=lambda c: c.id)
# which projects (by id) and hierarchy nodes each configured scope covers in the demo estate
COVERED = {ORG: {PROD, DEV, ORG, FOLDER}, FOLDER: {PROD, FOLDER}, f"projects/{DEV}": {DEV},
           f"projects/{PROD}": {PROD}}


def run_all(gcp: AssetEstate, scope: str) -> list[tuple[str, Result]]:
    target = gcp.scope(scope)
    return [(c.id, r) for c in GCP_CHECKS for r in gcp.run(c, scope=scope, target=target)]


@pytest.mark.parametrize("scope", sorted(COVERED))
def test_every_result_carries_its_own_project_id(gcp: AssetEstate, scope: str) -> None:
    results = run_all(gcp, scope)

    assert results, "the demo estate yields results in every scope"
    scopes = {r.scope for _, r in results}
    assert None not in scopes, [(c, r) for c, r in results if r.scope is None]
    assert scopes <= COVERED[scope], scopes
    for check_id, r in results:
        assert not str(r.scope).startswith("projects/"), (check_id, r)
        assert not str(r.scope).isdigit(), (check_id, r)


def test_a_project_scope_is_named_by_its_project_id(gcp: AssetEstate) -> None:
    target = gcp.scope(f"projects/{DEV}")
    assert target.scope_id == DEV
    assert target.stats["global"].scope == DEV
    assert gcp.scope(ORG).scope_id == ORG and gcp.scope(FOLDER).scope_id == FOLDER


def test_resources_keep_their_project_in_folder_and_org_scopes(gcp: AssetEstate) -> None:
    for scope in (ORG, FOLDER):
        results = run_all(gcp, scope)
        bucket = [r for c, r in results if c == "gcp_storage_bucket_not_public"
                  and r.resource_id == "//storage.googleapis.com/acme-prod-logs"]
        assert [r.scope for r in bucket] == [PROD]


def test_scope_wide_result_of_a_project_scope_is_the_project_id(gcp: AssetEstate) -> None:
    gcp.load([a for a in build_gcp_estate() if "securitycenter" not in a["assetType"]])

    [result] = gcp.run(scc_threat_detection_enabled, scope=f"projects/{DEV}")

    assert result.scope == DEV
    assert result.resource_id == f"//cloudresourcemanager.googleapis.com/projects/{DEV}"
