from typing import Any

from checks.azure.keyvault_key_rotation_expiry import keyvault_key_rotation_expiry
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource

ROTATE = {"lifetimeActions": [{"action": {"type": "rotate"},
                               "trigger": {"timeAfterCreate": "P90D"}}]}


def test_rotating_expiring_keys_pass_others_fail(az: Az) -> None:
    vault = az.estate.add(resource(SUB_A, "rg", "Microsoft.KeyVault/vaults", "kv"))
    base = vault["id"]
    good: dict[str, Any] = {"id": f"{base}/keys/good", "name": "good", "properties": {
        "attributes": {"enabled": True, "exp": 1900000000}, "rotationPolicy": ROTATE}}
    norot: dict[str, Any] = {"id": f"{base}/keys/norot", "name": "norot", "properties": {
        "attributes": {"enabled": True, "exp": 1900000000}}}
    disabled: dict[str, Any] = {"id": f"{base}/keys/old", "name": "old", "properties": {
        "attributes": {"enabled": False}}}
    az.estate.arm[f"{base}/keys"] = {"value": [good, norot, disabled]}
    az.estate.arm[f"{base}/secrets"] = {"value": [
        {"id": f"{base}/secrets/exp", "properties": {"attributes": {"exp": 1900000000}}},
        {"id": f"{base}/secrets/forever", "properties": {"attributes": {"enabled": True}}}]}

    results = by_resource(az.run(keyvault_key_rotation_expiry))

    assert results[good["id"]].status is Status.PASS
    assert results[norot["id"]].status is Status.FAIL
    assert "rotation policy" in results[norot["id"]].message
    assert disabled["id"] not in results
    assert results[f"{base}/secrets/exp"].status is Status.PASS
    assert results[f"{base}/secrets/forever"].status is Status.FAIL
