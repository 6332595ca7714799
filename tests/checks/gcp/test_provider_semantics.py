"""Verdicts decided by Google's discovery documents (one test per changed verdict; the
document and field are named in each test). Every fixture is validated against those
documents when loaded (tests/fakes/gcp_schema.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from checks.gcp.cloud_asset_inventory_enabled import cloud_asset_inventory_enabled
from checks.gcp.cloudsql_automated_backups import cloudsql_automated_backups
from checks.gcp.cloudsql_high_availability import cloudsql_high_availability
from checks.gcp.cloudsql_not_public import admits_internet, cloudsql_not_public
from checks.gcp.essential_contacts_security import essential_contacts_security
from checks.gcp.log_metric_alerts_security_changes import log_metric_alerts_security_changes
from checks.gcp.logging_sink_all_logs import logging_sink_all_logs
from checks.gcp.sa_user_managed_keys import sa_user_managed_keys
from checks.gcp.storage_bucket_not_public import storage_bucket_not_public
from collector.demo.gcp_estate import build_gcp_estate
from collector.model import Status
from tests.fakes.gcp_asset import AssetEstate, by_resource, statuses

P = "//cloudresourcemanager.googleapis.com/projects/"
PROD_NAME, DEV_NAME = P + "100000000001", P + "100000000002"
SQL = "//cloudsql.googleapis.com/projects/"
PROD_DB, DEV_DB = SQL + "acme-prod/instances/prod-db", SQL + "acme-dev/instances/dev-db"
Estate = list[dict[str, Any]]


def one(estate: Estate, name: str) -> dict[str, Any]:
    return next(a for a in estate if a["name"] == name)


def data_of(estate: Estate, name: str) -> dict[str, Any]:
    found: dict[str, Any] = one(estate, name)["resource"]["data"]
    return found


def test_a_service_without_state_is_not_enabled(gcp: AssetEstate) -> None:
    # serviceusage.v1 Service.state: STATE_UNSPECIFIED / DISABLED / ENABLED (was: unset = on)
    estate = build_gcp_estate()
    name = "//serviceusage.googleapis.com/projects/100000000001/services/cloudasset.googleapis.com"
    del data_of(estate, name)["state"]
    gcp.load(estate)

    assert statuses(gcp.run(cloud_asset_inventory_enabled))[PROD_NAME] is Status.FAIL


def test_read_pools_and_on_premises_sources_are_not_judged(gcp: AssetEstate) -> None:
    # sqladmin.v1beta4 DatabaseInstance.instanceType (was: only READ_REPLICA_INSTANCE skipped)
    estate = build_gcp_estate()
    data_of(estate, DEV_DB)["instanceType"] = "ON_PREMISES_INSTANCE"
    data_of(estate, PROD_DB)["instanceType"] = "READ_POOL_INSTANCE"
    gcp.load(estate)

    assert gcp.run(cloudsql_automated_backups) == []
    assert not {PROD_DB, DEV_DB} & set(statuses(gcp.run(cloudsql_high_availability)))


def test_authorized_networks_are_judged_as_a_union_of_prefixes(gcp: AssetEstate) -> None:
    # sqladmin.v1beta4 IpConfiguration.authorizedNetworks: CIDR; 0.0.0.0/1 + 128.0.0.0/1 is
    # all of IPv4 (was: only the literal 0.0.0.0/0 failed)
    assert admits_internet(["0.0.0.0/1", "128.0.0.0/1"]) == ["0.0.0.0/1", "128.0.0.0/1"]
    assert admits_internet(["0.0.0.0/1", "10.0.0.0/8"]) == []
    assert admits_internet(["::/1", "8000::/1"]) == ["::/1", "8000::/1"]
    estate = build_gcp_estate()
    ip = data_of(estate, DEV_DB)["settings"]["ipConfiguration"]
    ip["authorizedNetworks"] = [{"value": "0.0.0.0/1"}, {"value": "128.0.0.0/1"}]
    gcp.load(estate)
    assert statuses(gcp.run(cloudsql_not_public))[DEV_DB] is Status.FAIL


def test_authorized_networks_without_a_public_ip_admit_nobody(gcp: AssetEstate) -> None:
    # sqladmin.v1beta4: authorized networks apply to connections "using the IP" (was: fail)
    estate = build_gcp_estate()
    data_of(estate, DEV_DB)["settings"]["ipConfiguration"]["ipv4Enabled"] = False
    gcp.load(estate)
    assert statuses(gcp.run(cloudsql_not_public))[DEV_DB] is Status.PASS


def test_an_invalid_security_contact_does_not_count(gcp: AssetEstate) -> None:
    # essentialcontacts.v1 Contact.validationState INVALID: "email found to be unreachable"
    estate = build_gcp_estate()
    contact = "//essentialcontacts.googleapis.com/projects/100000000001/contacts/2"
    data_of(estate, contact)["validationState"] = "INVALID"
    gcp.load(estate)
    assert statuses(gcp.run(essential_contacts_security))[PROD_NAME] is Status.FAIL


def test_an_expired_key_cannot_authenticate(gcp: AssetEstate) -> None:
    # iam.v1 ServiceAccountKey.validBeforeTime: "the key can be used before this timestamp"
    estate = build_gcp_estate()
    old = ("//iam.googleapis.com/projects/acme-dev/serviceAccounts/"
           "deployer@acme-dev.iam.gserviceaccount.com/keys/3c4d")
    expired = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    data_of(estate, old)["validBeforeTime"] = expired
    gcp.load(estate)
    result = by_resource(gcp.run(sa_user_managed_keys))[old]
    assert result.status is Status.PASS and "expired" in result.message


def test_a_sink_with_an_exclusion_does_not_export_everything(gcp: AssetEstate) -> None:
    # logging.v2 LogSink.exclusions: matching entries "will not be exported" (was: pass)
    estate = build_gcp_estate()
    sink = "//logging.googleapis.com/projects/100000000001/sinks/all-logs"
    data_of(estate, sink)["exclusions"] = [{"name": "no-data-access",
                                            "filter": 'logName:"data_access"'}]
    gcp.load(estate)
    assert by_resource(gcp.run(logging_sink_all_logs))[PROD_NAME].status is Status.FAIL
    data_of(estate, sink)["exclusions"][0]["disabled"] = True
    gcp.load(estate)
    assert by_resource(gcp.run(logging_sink_all_logs))[PROD_NAME].status is Status.PASS


def policies(estate: Estate) -> list[dict[str, Any]]:
    return [a["resource"]["data"] for a in estate
            if a["assetType"] == "monitoring.googleapis.com/AlertPolicy"]


def alerts(gcp: AssetEstate, estate: Estate) -> Status:
    gcp.load(estate)
    return by_resource(gcp.run(log_metric_alerts_security_changes))[PROD_NAME].status


def test_alert_policy_state_and_combiner(gcp: AssetEstate) -> None:
    # monitoring.v3 AlertPolicy.enabled: "on read, clients should not make any assumption
    # about the state if it has not been populated" (was: unset = enabled)
    estate = build_gcp_estate()
    del policies(estate)[0]["enabled"]
    assert alerts(gcp, estate) is Status.FAIL
    # AlertPolicy.combiner AND: "an incident is created only if all the conditions are met"
    estate = build_gcp_estate()
    first = policies(estate)[0]
    first["combiner"] = "AND"
    first["conditions"].append({"displayName": "never", "conditionThreshold": {
        "filter": 'metric.type="compute.googleapis.com/instance/uptime"'}})
    assert alerts(gcp, estate) is Status.FAIL
    first["combiner"] = "OR"
    assert alerts(gcp, estate) is Status.PASS


def test_a_disabled_log_metric_does_not_count(gcp: AssetEstate) -> None:
    # logging.v2 LogMetric.disabled: "it does not generate any points" (was: counted)
    estate = build_gcp_estate()
    metric = "//logging.googleapis.com/projects/100000000001/metrics/project-ownership"
    data_of(estate, metric)["disabled"] = True
    assert alerts(gcp, estate) is Status.FAIL


def test_mql_and_log_match_conditions_count(gcp: AssetEstate) -> None:
    # monitoring.v3 Condition.conditionMonitoringQueryLanguage / conditionMatchedLog
    estate = build_gcp_estate()
    for policy in policies(estate):
        if policy["displayName"] == "route changed":
            policy["conditions"] = [{"displayName": "mql", "conditionMonitoringQueryLanguage": {
                "query": "fetch global | metric 'logging.googleapis.com/user/route'",
                "duration": "0s"}}]
        if policy["displayName"] == "network changed":
            policy["conditions"] = [{"displayName": "log match", "conditionMatchedLog": {
                "filter": 'resource.type="gce_network" AND protoPayload.methodName:'
                          '"compute.networks.insert"'}}]
    assert alerts(gcp, estate) is Status.PASS


def test_the_nearest_org_policy_decides_public_access_prevention(gcp: AssetEstate) -> None:
    # cloudresourcemanager.v1 OrgPolicy: a project's own policy (enforced false, or
    # restoreDefault) overrides its folder's (was: any ancestor enforcing counted)
    bucket = "//storage.googleapis.com/acme-audit-logs"
    overrides: tuple[dict[str, dict[str, bool]], ...] = (
        {"booleanPolicy": {"enforced": False}}, {"restoreDefault": {}})
    for override in overrides:
        estate = build_gcp_estate()
        one(estate, PROD_NAME)["orgPolicy"] = [
            {"constraint": "constraints/storage.publicAccessPrevention", **override}]
        gcp.load(estate)
        result = by_resource(gcp.run(storage_bucket_not_public))[bucket]
        assert result.status is Status.FAIL, override
        assert "public access prevention is not enforced" in result.message
