"""Per-resource isolation of every Azure check, found generically and tested by denial.

Each Azure check of the registry runs on an estate with several copies of every resource kind
(the demo estate's resources, one well and two badly configured copies in one subscription).
Its per-resource reads are found from the fake's request log: ARM GETs under the id of a
resource that Resource Graph listed. Each such read is then denied in turn (403
AuthorizationFailed in ARM's error shape) and the run compared with the undenied one: the
resource owning the read (the longest listed id the path lies under) has exactly one `error`
row with code AuthorizationFailed; its own results and its children's (a vault's keys) are
gone; every other result is unchanged; nothing else appears or vanishes.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from collector.demo.azure_estate import build_azure_estate, populate
from collector.demo.azure_fake import Estate
from collector.model import Result, Status
from collector.plugin import Check, discover
from tests.fakes.azure_arm import SUB_A, TENANT, Az

AZURE = [c for c in discover() if c.provider == "azure"]

NO_PER_RESOURCE = {
    "azure_activity_log_alerts_security_changes": "one Resource Graph query; one verdict for "
    "the subscription",
    "azure_activity_log_exported_retained": "one verdict for the subscription; the destinations "
    "it reads (workspace, lifecycle policy) belong to diagnostic settings, and a denied one "
    "makes the verdict error unless another setting passes (test_activity_log_exported_"
    "retained)",
    "azure_db_geo_redundant_backup": "Resource Graph only (backup properties are in the rows)",
    "azure_defender_plans_enabled": "Resource Graph securityresources only",
    "azure_defender_security_contacts": "one subscription-wide list, one verdict",
    "azure_entra_mfa_enforced": "tenant-wide Microsoft Graph policies, one verdict",
    "azure_keyvault_recoverable": "Resource Graph only",
    "azure_nsg_flow_logs_retained": "Resource Graph only (flow logs are rows too)",
    "azure_nsg_no_admin_ports_from_internet": "Resource Graph only (rules are in the NSG row)",
    "azure_storage_cmk_encryption": "Resource Graph only",
    "azure_storage_no_public_blob_access": "Resource Graph only",
    "azure_storage_secure_transfer_and_tls12": "Resource Graph only",
    "azure_subnet_nsg_associated": "Resource Graph only",
    "azure_subscription_owner_hygiene": "Resource Graph plus one tenant-wide Graph user read, "
    "whose failure is already one tenant error beside the RBAC results",
    "azure_vm_backup_enabled": "Resource Graph recoveryservicesresources only",
    "azure_zone_redundancy": "Resource Graph only",
}


def estate() -> Estate:
    e = Estate(TENANT, subscriptions={SUB_A: "prod"})
    populate(e, SUB_A, True)
    populate(e, SUB_A, False, "2")
    populate(e, SUB_A, False, "3")
    e.graph.update(build_azure_estate().graph)
    return e


def owner(path: str, ids: list[str]) -> str | None:
    """The listed resource a read belongs to: the longest id the path lies under."""
    lowered = path.lower()
    under = [i for i in ids if lowered.startswith(i.lower() + "/")]
    return max(under, key=len) if under else None


def per_resource_reads(az: Az, ids: list[str]) -> dict[str, str]:
    """ARM path -> owning resource id, for every ARM GET made under a listed resource."""
    found = {}
    for method, path in az.fake.log:
        rid = owner(path, ids) if method == "GET" and not path.startswith("/v1.0/") else None
        if rid is not None:
            found[path] = rid
    return found


def row(r: Result) -> tuple[str, str, str, str | None]:
    return (r.resource_id, str(r.status), r.message, r.error_code)


def test_every_azure_check_is_named_or_read_per_resource() -> None:
    assert len(AZURE) >= 20
    unknown = set(NO_PER_RESOURCE) - {c.id for c in AZURE}
    assert not unknown, f"NO_PER_RESOURCE names checks that do not exist: {unknown}"


@pytest.mark.parametrize("chk", AZURE, ids=lambda c: c.id)
def test_one_denied_read_costs_only_its_resource(az: Az, chk: Check) -> None:
    e = estate()
    ids = [str(r["id"]) for r in e.rows]
    az.fake.reset(e)
    baseline = az.run(chk)
    reads = per_resource_reads(az, ids)
    if chk.id in NO_PER_RESOURCE:
        assert not reads, f"{chk.id} reads per resource: {sorted(reads)[:3]}"
        return
    assert reads, f"{chk.id}: no per-resource read; name it in NO_PER_RESOURCE with the reason"
    assert all(r.status is not Status.ERROR for r in baseline)

    kinds: dict[str, set[str]] = defaultdict(set)
    for path, rid in reads.items():
        kinds[path.lower().replace(rid.lower(), "{id}").rsplit("/providers/", 1)[-1]].add(rid)
    thin = {k: v for k, v in kinds.items() if len(v) < 2}
    assert not thin, f"{chk.id}: fewer than two resources behind {thin}"

    for path, rid in sorted(reads.items()):
        e.denied = {path}
        az.fake.reset(e)
        denied = az.run(chk)
        errors = [r for r in denied if r.status is Status.ERROR]
        assert [(r.resource_id, r.error_code) for r in errors] == [(rid, "AuthorizationFailed")], \
            f"{chk.id}: denying {path}"
        kept = sorted(row(r) for r in baseline
                      if r.resource_id != rid and not r.resource_id.startswith(rid + "/"))
        assert sorted(row(r) for r in denied if r.status is not Status.ERROR) == kept, \
            f"{chk.id}: denying {path} changed other resources' verdicts"
