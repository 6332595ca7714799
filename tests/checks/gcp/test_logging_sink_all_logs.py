from checks.gcp.logging_sink_all_logs import logging_sink_all_logs
from collector.demo.gcp_estate import build_gcp_estate
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, by_resource

PROD_NAME = "//cloudresourcemanager.googleapis.com/projects/100000000001"
DEV_NAME = "//cloudresourcemanager.googleapis.com/projects/100000000002"


def test_unfiltered_sink_passes_and_filtered_default_sink_fails(gcp: AssetEstate) -> None:
    results = by_resource(gcp.run(logging_sink_all_logs))

    assert results[PROD_NAME].status is Status.PASS
    assert "all-logs" in results[PROD_NAME].message
    assert results[DEV_NAME].status is Status.FAIL


def test_aggregated_org_sink_covers_every_project(gcp: AssetEstate) -> None:
    estate = build_gcp_estate()
    org_sink = next(a for a in estate if a["name"].endswith("/sinks/org-audit-archive"))
    org_sink["resource"]["data"]["filter"] = ""
    gcp.load(estate)

    results = by_resource(gcp.run(logging_sink_all_logs))

    assert results[DEV_NAME].status is Status.PASS
    assert "org-audit-archive" in results[DEV_NAME].message
