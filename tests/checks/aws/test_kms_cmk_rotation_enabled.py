from checks.aws.kms_cmk_rotation_enabled import kms_cmk_rotation_enabled
from collector.model import Status
from tests.conftest import Moto, by_resource


def test_rotating_key_passes_and_non_rotating_key_fails(moto: Moto) -> None:
    kms = moto.client("kms")
    rotating = kms.create_key(Description="rotating")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rotating["KeyId"])
    stale = kms.create_key(Description="stale")["KeyMetadata"]
    asymmetric = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    disabled = kms.create_key(Description="disabled")["KeyMetadata"]
    kms.disable_key(KeyId=disabled["KeyId"])

    results = by_resource(moto.run(kms_cmk_rotation_enabled))

    assert results[rotating["Arn"]].status is Status.PASS
    assert results[stale["Arn"]].status is Status.FAIL
    assert "disabled" in results[stale["Arn"]].message
    assert asymmetric["Arn"] not in results
    assert disabled["Arn"] not in results


def test_no_keys_gives_no_results(moto: Moto) -> None:
    assert moto.run(kms_cmk_rotation_enabled) == []
