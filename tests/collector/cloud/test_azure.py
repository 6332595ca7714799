"""The Azure context over a local HTTPS fake: paging, memoisation, provenance, errors, cost."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.azure.keyvault_recoverable import keyvault_recoverable
from checks.azure.nsg_no_admin_ports_from_internet import nsg_no_admin_ports_from_internet
from checks.azure.storage_cmk_encryption import storage_cmk_encryption
from checks.azure.storage_secure_transfer_and_tls12 import storage_secure_transfer_and_tls12
from collector.cloud.azure import AzureSubscription
from collector.cloud.base import AccessDenied, CallLog, CloudError
from collector.demo.azure_fake import AzureFake, Estate, FakeError, resource
from tests.fakes.azure_arm import SUB_A, SUB_B, TENANT, Az, start_fake

STORAGE = "Microsoft.Storage/storageAccounts"
GRAPH_CHECKS = (storage_secure_transfer_and_tls12, storage_cmk_encryption,
                keyvault_recoverable, nsg_no_admin_ports_from_internet)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AzureFake, str]]:
    fake, bundle = start_fake(tmp_path_factory.mktemp("az"), Estate(TENANT), page_size=2)
    yield fake, bundle
    fake.stop()


@pytest.fixture
def az(server: tuple[AzureFake, str]) -> Az:
    server[0].page_size = 2
    return Az(*server)


def estate_of(az: Az, subs: list[str], per_type: int) -> None:
    az.estate.subscriptions = {s: s[:8] for s in subs}
    az.estate.rows = []
    for sub in subs:
        for n in range(per_type):
            for rtype in (STORAGE, "Microsoft.KeyVault/vaults",
                          "Microsoft.Network/networkSecurityGroups"):
                az.estate.add(resource(sub, "rg", rtype, f"r{n}", {
                    "supportsHttpsTrafficOnly": True, "connectionString": "AccountKey=s3cret"}))


def run_all(az: Az, subs: list[str]) -> int:
    session = az.session()
    total = 0
    for sub in subs:
        target = AzureSubscription(session, sub, tenant_id=TENANT)
        for chk in GRAPH_CHECKS:
            total += len(list(chk.run(target.context("global", CallLog()))))
    return total


def test_resource_graph_pages_on_skip_token(az: Az) -> None:
    estate_of(az, [SUB_A], 5)
    target = AzureSubscription(az.session(), SUB_A, tenant_id=TENANT)
    rows = target.context("global", CallLog()).resources(STORAGE)
    assert sorted(r["name"] for r in rows) == [f"r{n}" for n in range(5)]
    assert az.fake.requests[("POST", "resourcegraph")] == 3  # pages of 2
    [call] = [c for c in az.sink.calls.values() if c.service == "resourcegraph"]
    assert (call.pages, call.complete, call.http_status, call.scope) == (3, True, 200, SUB_A)
    assert call.provider == "azure" and call.operation == "resources"
    assert "microsoft.storage/storageaccounts" in call.params["query"]


def test_requests_grow_with_subscriptions_queries_and_pages_not_resources(az: Az) -> None:
    measured = {}
    for subs, per_type in (([SUB_A], 1), ([SUB_A], 20), ([SUB_A, SUB_B], 20)):
        az.fake.reset()
        estate_of(az, subs, per_type)
        az.fake.page_size = 1000
        results = run_all(az, subs)
        assert results == len(subs) * per_type * 4  # two checks share the storage query
        measured[(len(subs), per_type)] = az.fake.requests[("POST", "resourcegraph")]
    # 3 distinct queries (storage shared by two checks, key vaults, NSGs) per subscription
    assert measured == {(1, 1): 3, (1, 20): 3, (2, 20): 6}
    az.fake.reset()
    az.fake.page_size = 7
    estate_of(az, [SUB_A], 20)
    run_all(az, [SUB_A])
    assert az.fake.requests[("POST", "resourcegraph")] == 3 * 3  # 20 rows = 3 pages of 7


def test_identical_requests_are_made_once_per_run_and_cited_by_each_check(az: Az) -> None:
    estate_of(az, [SUB_A], 1)
    session = az.session()
    target = AzureSubscription(session, SUB_A, tenant_id=TENANT)
    logs = [CallLog(), CallLog()]
    for chk, log in zip((storage_secure_transfer_and_tls12, storage_cmk_encryption), logs,
                        strict=True):
        list(chk.run(target.context("global", log)))
    assert az.fake.requests[("POST", "resourcegraph")] == 1
    assert logs[0].digests() == logs[1].digests() != []
    assert target.stats["global"].requests == 1


def test_secrets_never_reach_the_stored_response(az: Az) -> None:
    estate_of(az, [SUB_A], 1)
    rows = AzureSubscription(az.session(), SUB_A).context("global", CallLog()).resources(STORAGE)
    stored = b"".join(az.sink.blobs.values())
    assert b"s3cret" not in stored
    assert rows[0]["properties"]["connectionString"] == "<redacted>"


def test_arm_and_graph_lists_follow_next_links(az: Az) -> None:
    path = f"/subscriptions/{SUB_A}/providers/Microsoft.Security/securityContacts"
    az.estate.arm[path] = {"value": [{"name": f"c{n}"} for n in range(5)]}
    az.estate.graph["/v1.0/identity/conditionalAccess/policies"] = {
        "value": [{"id": str(n)} for n in range(3)]}
    ctx = AzureSubscription(az.session(), SUB_A, tenant_id=TENANT).context("global", CallLog())
    assert [c["name"] for c in ctx.arm_list(path, "2020-01-01-preview")] == [
        f"c{n}" for n in range(5)]
    assert len(ctx.msgraph_list("/v1.0/identity/conditionalAccess/policies")) == 3
    calls = {c.service: c for c in az.sink.calls.values()}
    assert calls["arm"].pages == 3 and calls["arm"].params["api-version"] == "2020-01-01-preview"
    assert calls["msgraph"].pages == 2 and calls["msgraph"].scope == TENANT


def test_403_is_access_denied_with_the_arm_code_and_is_recorded(az: Az) -> None:
    az.estate.forbidden = {SUB_B}
    ctx = AzureSubscription(az.session(), SUB_B, tenant_id=TENANT).context("global", CallLog())
    with pytest.raises(AccessDenied) as err:
        ctx.resources(STORAGE)
    assert err.value.code == "AuthorizationFailed"
    [call] = az.sink.calls.values()
    assert (call.http_status, call.error_code, call.complete) == (403, "AuthorizationFailed", False)
    assert call.response_sha256 is None


def test_a_denied_read_is_a_fresh_exception_per_caller_and_frees_the_session(az: Az) -> None:
    """The memoised error is raised as a new exception each time (never one object shared by
    every check's thread), so no traceback ties the finished session into a reference cycle."""
    az.estate.forbidden = {SUB_B}
    session = az.session()
    target = AzureSubscription(session, SUB_B, tenant_id=TENANT)
    caught = []
    for _ in range(2):
        with pytest.raises(AccessDenied) as err:
            target.context("global", CallLog()).resources(STORAGE)
        caught.append(err.value)
    assert caught[0] is not caught[1]
    assert [e.code for e in caught] == ["AuthorizationFailed"] * 2
    assert len(az.sink.calls) == 1  # one request, memoised with its error
    gone = weakref.ref(session)
    gc.disable()
    try:
        del session, target, caught, err
        assert gone() is None
    finally:
        gc.enable()


def test_absent_codes_mean_not_configured_other_errors_raise(az: Az) -> None:
    ctx = AzureSubscription(az.session(), SUB_A, tenant_id=TENANT).context("global", CallLog())
    missing = f"/subscriptions/{SUB_A}/resourceGroups/rg/providers/X/y/z"
    assert ctx.arm(missing, "2020-01-01", absent=("ResourceNotFound",)) is None
    az.estate.arm[missing + "/boom"] = FakeError(409, "Conflict", "busy")
    with pytest.raises(CloudError) as err:
        ctx.arm(missing + "/boom", "2020-01-01")
    assert err.value.code == "Conflict" and "busy" in str(err.value)


def test_server_errors_are_retried_by_azure_core(az: Az) -> None:
    path = f"/subscriptions/{SUB_A}/providers/Microsoft.Insights/diagnosticSettings"
    az.estate.arm[path] = FakeError(503, "ServiceUnavailable")
    session = az.session(retry_total=2)
    target = AzureSubscription(session, SUB_A, tenant_id=TENANT)
    with pytest.raises(CloudError) as err:
        target.context("global", CallLog()).arm_list(path, "2021-05-01-preview")
    assert err.value.code == "ServiceUnavailable"
    assert az.fake.requests[("GET", "arm")] == 3
    assert target.stats["global"].retries == 2


def test_stored_response_is_the_normalised_answer(az: Az) -> None:
    estate_of(az, [SUB_A], 1)
    AzureSubscription(az.session(), SUB_A).context("global", CallLog()).resources(STORAGE)
    [call] = az.sink.calls.values()
    stored = json.loads(az.sink.blobs[str(call.response_sha256)])
    assert [r["name"] for p in stored["pages"] for r in p["data"]] == ["r0"]


def test_fake_rejects_requests_without_a_bearer_token(server: tuple[AzureFake, str],
                                                       tmp_path: Path) -> None:
    import requests

    fake, bundle = server
    resp = requests.get(f"{fake.url}/subscriptions", verify=bundle, timeout=5)
    assert resp.status_code == 401
