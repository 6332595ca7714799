"""Per-resource isolation, over every registered GCP check.

Every GCP check reads only Cloud Asset lists (`ListAssets` of an asset type, one paged read for
the whole scope): it makes no per-resource read, so no single resource's read can fail and take
another resource's verdict with it. `LIST_ONLY` names them; the test proves it from the calls
each check makes (the fake's requests and the call records cited by the check). A check that
one day reads per resource must leave this list and use `collector.plugin.each`, with a test
that denies one resource's read.

A failing list read is an error for the whole scope, never a pass: with any one of the asset
types a check reads denied (403 PERMISSION_DENIED), the check raises the provider's error (the
runner records one `error` result on the scope) before it has yielded any verdict, so no
verdict computed from a partial picture survives.
"""

from __future__ import annotations

import pytest

import checks.gcp
from collector.cloud.base import AccessDenied, CallLog
from collector.model import Result
from collector.plugin import Check, checks_in
from tests.fakes.gcp_asset import AssetEstate

GCP_CHECKS = {c.id: c for c in checks_in(checks.gcp)}
LIST_ONLY = frozenset({
    "gcp_audit_logs_all_services", "gcp_bigquery_dataset_cmek",
    "gcp_cloud_asset_inventory_enabled", "gcp_cloudsql_automated_backups",
    "gcp_cloudsql_high_availability", "gcp_cloudsql_not_public", "gcp_cloudsql_ssl_required",
    "gcp_compute_instance_no_public_ip", "gcp_container_vulnerability_scanning",
    "gcp_essential_contacts_security", "gcp_firewall_no_admin_ports_from_internet",
    "gcp_kms_key_rotation", "gcp_log_metric_alerts_security_changes",
    "gcp_log_storage_retention_locked", "gcp_logging_sink_all_logs", "gcp_os_login_enforced",
    "gcp_sa_no_admin_roles", "gcp_sa_user_managed_keys", "gcp_scc_threat_detection_enabled",
    "gcp_storage_bucket_not_public", "gcp_storage_bucket_versioning_or_soft_delete",
    "gcp_vpc_subnet_flow_logs",
})
"""GCP checks that make list reads only (no per-resource read to isolate)."""
PROJECT_TYPE = "cloudresourcemanager.googleapis.com/Project"


def test_every_gcp_check_is_classified() -> None:
    assert set(GCP_CHECKS) == LIST_ONLY, (
        "a GCP check not in LIST_ONLY must read per resource through collector.plugin.each "
        f"and have a denial test: {sorted(set(GCP_CHECKS) ^ LIST_ONLY)}")


def reads_of(gcp: AssetEstate, check: Check) -> tuple[set[tuple[str, int]], list[Result]]:
    """The (asset type, content type) lists a check reads, and its results."""
    target = gcp.scope()
    connected = len(gcp.fake.requests)
    before = set(gcp.sink.calls)
    log = CallLog()
    results = list(check.run(target.context("global", log), None))
    served = gcp.fake.requests[connected:]
    assert all(r.method == "GET" and r.path.endswith("/assets") for r in served), served
    cited = [gcp.sink.calls[d] for d in log.digests()]
    assert {(c.service, c.operation) for c in cited} <= {("cloudasset", "ListAssets")}
    assert set(gcp.sink.calls) - before <= set(log.digests())
    listed = {(t, r.content_type) for r in served for t in r.asset_types}
    listed |= {(str(c.params["assetTypes"][0]), 1) for c in cited}  # memoised at connect
    return listed, results


@pytest.mark.parametrize("check_id", sorted(LIST_ONLY))
def test_list_only_checks_make_only_list_reads(gcp: AssetEstate, check_id: str) -> None:
    listed, results = reads_of(gcp, GCP_CHECKS[check_id])

    assert listed, "every check reads at least one asset list"
    assert results or check_id == "gcp_container_vulnerability_scanning"


@pytest.mark.parametrize("check_id", sorted(LIST_ONLY))
def test_a_denied_list_read_is_a_scope_error_never_a_verdict(gcp: AssetEstate,
                                                             check_id: str) -> None:
    check = GCP_CHECKS[check_id]
    listed, _ = reads_of(gcp, check)
    for asset_type in sorted({t for t, _ in listed} - {PROJECT_TYPE}):
        gcp.fake.state.deny = {asset_type}
        target = gcp.scope()
        yielded: list[Result] = []
        with pytest.raises(AccessDenied) as denied:
            for result in check.run(target.context("global", CallLog()), None):
                yielded.append(result)
        assert denied.value.code == "PERMISSION_DENIED"
        assert asset_type in denied.value.operation
        assert yielded == [], f"{check_id} judged before reading {asset_type}: {yielded}"
    gcp.fake.state.deny = set()
