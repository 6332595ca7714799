"""GcpScope/GcpContext over real HTTP: paging, memoisation, provenance, errors, redaction."""

from __future__ import annotations

import gc
import json
import weakref

import pytest

from collector.cloud.base import GLOBAL, AccessDenied, CallLog, ScopeUnavailable
from collector.cloud.gcp import PROJECT_TYPE
from collector.demo.gcp_estate import DEV, ORG
from tests.fakes.gcp_asset import AssetEstate, gcp, gcp_fake

__all__ = ["gcp", "gcp_fake"]
BUCKET = "storage.googleapis.com/Bucket"
INSTANCE = "compute.googleapis.com/Instance"


def test_pages_are_followed_and_recorded_once(gcp: AssetEstate) -> None:
    scope = gcp.scope()
    gcp.fake.requests.clear()
    log = CallLog()

    buckets = scope.context(GLOBAL, log).assets(BUCKET)
    again = scope.context(GLOBAL, CallLog()).assets(BUCKET)  # another check, same run

    assert sorted(b["name"].rsplit("/", 1)[-1] for b in buckets) == [
        "acme-audit-logs", "acme-dev-scratch", "acme-prod-logs", "acme-public-site"]
    assert again == buckets
    served = gcp.fake.list_requests()
    assert [(r.asset_types, r.content_type, r.page_token) for r in served] == [
        ((BUCKET,), 1, ""), ((BUCKET,), 1, "3")]
    [digest] = log.digests()
    call = gcp.sink.calls[digest]
    assert (call.provider, call.service, call.operation, call.region) == (
        "gcp", "cloudasset", "ListAssets", "global")
    assert call.params == {"parent": ORG, "assetTypes": [BUCKET], "contentType": "RESOURCE",
                           "pageSize": 1000}
    assert (call.scope, call.pages, call.complete, call.http_status) == (ORG, 2, True, 200)
    stored = json.loads(gcp.sink.blobs[call.response_sha256 or ""])
    assert [len(p["assets"]) for p in stored["pages"]] == [3, 1]
    assert "readTime" not in stored["pages"][0] and "nextPageToken" not in stored["pages"][0]


def test_content_types_are_separate_reads(gcp: AssetEstate) -> None:
    ctx = gcp.scope().context(GLOBAL, CallLog())

    policies = ctx.assets(BUCKET, "IAM_POLICY")
    org_policies = ctx.assets("cloudresourcemanager.googleapis.com/Folder", "ORG_POLICY")

    assert all("iamPolicy" in p and "resource" not in p for p in policies)
    assert org_policies[0]["orgPolicy"][0]["constraint"] == (
        "constraints/storage.publicAccessPrevention")
    with pytest.raises(ValueError):
        ctx.assets(BUCKET, "ACCESS_POLICY")  # type: ignore[arg-type]


def test_results_are_attributed_to_project_ids(gcp: AssetEstate) -> None:
    ctx = gcp.scope().context(GLOBAL, CallLog())

    owners = {ctx.scope_of(b) for b in ctx.assets(BUCKET)}
    org = ctx.assets("cloudresourcemanager.googleapis.com/Organization")[0]

    assert owners == {"acme-prod", "acme-dev"}
    assert ctx.scope_of(org) == ORG


def test_a_project_scope_reads_only_that_project(gcp: AssetEstate) -> None:
    ctx = gcp.scope(f"projects/{DEV}").context(GLOBAL, CallLog())

    assert {ctx.scope_of(b) for b in ctx.assets(BUCKET)} == {DEV}
    assert [p["resource"]["data"]["projectId"] for p in ctx.projects()] == [DEV]


def test_permission_denied_on_one_type_is_typed_and_recorded(gcp: AssetEstate) -> None:
    scope = gcp.scope()
    gcp.fake.state.deny.add(INSTANCE)
    log = CallLog()

    with pytest.raises(AccessDenied) as err:
        scope.context(GLOBAL, log).assets(INSTANCE)
    buckets = scope.context(GLOBAL, CallLog()).assets(BUCKET)

    assert err.value.code == "PERMISSION_DENIED"
    assert INSTANCE in err.value.operation
    call = gcp.sink.calls[log.digests()[0]]
    assert (call.http_status, call.error_code, call.complete, call.response_sha256) == (
        403, "PERMISSION_DENIED", False, None)
    assert buckets, "other asset types are still read"
    assert scope.stats[GLOBAL].errors == {("PERMISSION_DENIED", ""): 1}


def test_a_denied_read_is_a_fresh_exception_per_caller_and_frees_the_scope(
        gcp: AssetEstate) -> None:
    """The memoised error is raised as a new exception each time (never one object shared by
    every check's thread), so no traceback ties the finished scope into a reference cycle."""
    scope = gcp.scope()
    gcp.fake.state.deny.add(INSTANCE)
    caught = []
    for _ in range(2):
        with pytest.raises(AccessDenied) as err:
            scope.context(GLOBAL, CallLog()).assets(INSTANCE)
        caught.append(err.value)
    assert caught[0] is not caught[1]
    assert {(e.code, e.operation) for e in caught} == {("PERMISSION_DENIED", caught[0].operation)}
    assert len(gcp.fake.list_requests()) == 1 + 1  # connect's projects read, then one denial
    gone = weakref.ref(scope)
    gc.disable()
    try:
        del scope, caught, err
        assert gone() is None
    finally:
        gc.enable()


def test_disabled_api_makes_the_scope_unavailable_with_advice(gcp: AssetEstate) -> None:
    gcp.fake.state.service_disabled = True

    with pytest.raises(ScopeUnavailable) as err:
        gcp.scope()

    assert err.value.code == "SERVICE_DISABLED"
    assert "gcloud services enable cloudasset.googleapis.com" in err.value.detail
    assert "projects/100000000001" in err.value.detail


def test_server_errors_are_retried(gcp: AssetEstate) -> None:
    scope = gcp.scope()
    gcp.fake.state.unavailable[BUCKET] = 2
    log = CallLog()

    buckets = scope.context(GLOBAL, log).assets(BUCKET)

    assert len(buckets) == 4
    stats = scope.stats[GLOBAL]
    assert stats.retries == 2
    assert gcp.sink.calls[log.digests()[0]].complete


def test_free_form_instance_metadata_never_reaches_storage(gcp: AssetEstate) -> None:
    ctx = gcp.scope().context(GLOBAL, CallLog())

    vm = next(i for i in ctx.assets(INSTANCE) if i["name"].endswith("/legacy-vm"))

    items = {i["key"]: i["value"] for i in vm["resource"]["data"]["metadata"]["items"]}
    assert items == {"enable-oslogin": "FALSE", "startup-script": "<redacted>"}
    assert not any(b"s3cr3t" in blob for blob in gcp.sink.blobs.values())


def test_connect_reads_projects_once_per_run(gcp: AssetEstate) -> None:
    scope = gcp.scope()
    ctx = scope.context(GLOBAL, CallLog())

    ctx.projects()
    ctx.project_ids()

    project_reads = [r for r in gcp.fake.list_requests() if r.asset_types == (PROJECT_TYPE,)]
    assert len(project_reads) == 1  # read by connect(), memoised for every later use
