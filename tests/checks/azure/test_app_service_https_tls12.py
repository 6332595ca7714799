from checks.azure.app_service_https_tls12 import app_service_https_tls12
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

SITE = "Microsoft.Web/sites"


def test_https_tls12_ftps_passes_weak_settings_fail(az: Az) -> None:
    good = az.estate.add(resource(SUB_A, "web", SITE, "good", {"httpsOnly": True}))
    weak = az.estate.add(resource(SUB_A, "web", SITE, "weak", {"httpsOnly": False}))
    az.estate.arm[f"{good['id']}/config/web"] = {"properties": {
        "minTlsVersion": "1.2", "ftpsState": "Disabled"}}
    az.estate.arm[f"{weak['id']}/config/web"] = {"properties": {
        "minTlsVersion": "1.0", "ftpsState": "AllAllowed"}}

    results = by_resource(az.run(app_service_https_tls12))

    assert results[good["id"]].status is Status.PASS
    assert results[weak["id"]].status is Status.FAIL
    message = results[weak["id"]].message
    assert "httpsOnly" in message and "1.0" in message and "AllAllowed" in message
