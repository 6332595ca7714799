from checks.azure.storage_secure_transfer_and_tls12 import storage_secure_transfer_and_tls12
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

TYPE = "Microsoft.Storage/storageAccounts"


def test_https_tls12_passes_http_or_old_tls_fails(az: Az) -> None:
    good = az.estate.add(resource(SUB_A, "rg", TYPE, "good", {
        "supportsHttpsTrafficOnly": True, "minimumTlsVersion": "TLS1_2"}))
    http = az.estate.add(resource(SUB_A, "rg", TYPE, "http", {
        "supportsHttpsTrafficOnly": False, "minimumTlsVersion": "TLS1_2"}))
    old = az.estate.add(resource(SUB_A, "rg", TYPE, "old", {"supportsHttpsTrafficOnly": True}))

    results = by_resource(az.run(storage_secure_transfer_and_tls12))

    assert results[good["id"]].status is Status.PASS
    assert results[http["id"]].status is Status.FAIL
    assert "HTTP" in results[http["id"]].message
    assert results[old["id"]].status is Status.FAIL
    assert "TLS1_0" in results[old["id"]].message
