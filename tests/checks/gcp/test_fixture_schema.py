"""GCP fixtures agree with Google's discovery documents: the demo estate here, and every test
estate whenever a test loads it into the fake (AssetEstate.load validates)."""

from __future__ import annotations

import pytest

from collector.demo.gcp_estate import build_gcp_estate
from tests.fakes.gcp_asset import AssetEstate
from tests.fakes.gcp_schema import SCHEMAS, UNDOCUMENTED, document, problems


def test_the_demo_estate_matches_the_discovery_documents() -> None:
    estate = build_gcp_estate()
    assert [p for a in estate for p in problems(a)] == []
    assert {a["assetType"] for a in estate} <= set(SCHEMAS) | set(UNDOCUMENTED)


def test_every_mapped_schema_exists_in_its_document() -> None:
    for doc, schema in SCHEMAS.values():
        assert schema in document(doc)["schemas"], (doc, schema)


@pytest.mark.parametrize(("path", "value", "expected"), [
    (("settings", "bogusField"), 1, "unknown field 'bogusField'"),
    (("settings", "availabilityType"), "HA", "'HA' is not one of"),
    (("settings", "backupConfiguration", "enabled"), "true", "expected true/false"),
    (("settings", "backupConfiguration", "backupRetentionSettings", "retainedBackups"), "14",
     "expected a JSON integer"),
    (("settings", "ipConfiguration", "authorizedNetworks"), {"value": "0.0.0.0/0"},
     "expected a JSON array"),
])
def test_a_fixture_the_api_would_not_return_is_refused(
    gcp: AssetEstate, path: tuple[str, ...], value: object, expected: str
) -> None:
    estate = build_gcp_estate()
    inst = next(a for a in estate if a["assetType"] == "sqladmin.googleapis.com/Instance")
    node = inst["resource"]["data"]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value

    with pytest.raises(AssertionError, match=expected):
        gcp.load(estate)


def test_int64_fields_must_be_decimal_strings() -> None:
    estate = build_gcp_estate()
    bucket = next(a for a in estate if a["name"] == "//storage.googleapis.com/acme-prod-logs")
    bucket["resource"]["data"]["retentionPolicy"]["retentionPeriod"] = 31536000
    assert any("int64" in p for p in problems(bucket))
