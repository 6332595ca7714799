from checks.azure.nsg_flow_logs_retained import (
    FLOW_LOGS,
    NSGS,
    VNETS,
    WATCHERS,
    nsg_flow_logs_retained,
)
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource


def flow_log(target: str, name: str, days: int, enabled: bool = True) -> dict[str, object]:
    return resource(SUB_A, "NetworkWatcherRG", FLOW_LOGS, f"NetworkWatcher_eastus/{name}", {
        "targetResourceId": target, "enabled": enabled,
        "retentionPolicy": {"enabled": True, "days": days}})


def test_retained_flow_logs_pass_short_missing_or_no_watcher_fail(az: Az) -> None:
    az.estate.add(resource(SUB_A, "NetworkWatcherRG", WATCHERS, "NetworkWatcher_eastus"))
    kept = az.estate.add(resource(SUB_A, "net", NSGS, "kept"))
    short = az.estate.add(resource(SUB_A, "net", NSGS, "short"))
    bare = az.estate.add(resource(SUB_A, "net", NSGS, "bare"))
    via_vnet = az.estate.add(resource(SUB_A, "net", NSGS, "viavnet"))
    vnet = az.estate.add(resource(SUB_A, "net", VNETS, "vnet", {"subnets": [
        {"name": "a", "properties": {"networkSecurityGroup": {"id": via_vnet["id"]}}}]}))
    az.estate.add(resource(SUB_A, "net", NSGS, "west", location="westeurope"))
    az.estate.add(flow_log(kept["id"], "kept", 90))
    az.estate.add(flow_log(short["id"], "short", 30))
    az.estate.add(flow_log(vnet["id"], "vnet", 0))

    results = by_resource(az.run(nsg_flow_logs_retained))

    assert results[kept["id"]].status is Status.PASS
    assert results[via_vnet["id"]].status is Status.PASS
    assert "forever" in results[via_vnet["id"]].message
    assert results[short["id"]].status is Status.FAIL
    assert results[bare["id"]].status is Status.FAIL
    watcher = (f"/subscriptions/{SUB_A}/resourceGroups/NetworkWatcherRG/providers/"
               "Microsoft.Network/networkWatchers/NetworkWatcher_westeurope")
    assert results[watcher].status is Status.FAIL
    assert "westeurope" in results[watcher].message
