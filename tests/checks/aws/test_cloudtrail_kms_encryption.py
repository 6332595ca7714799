from checks.aws.cloudtrail_kms_encryption import cloudtrail_kms_encryption
from collector.model import Status
from tests.conftest import Moto, by_resource

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _trail(moto: Moto, name: str, **extra: str) -> str:
    moto.client("s3").create_bucket(Bucket=f"{name}-logs")
    arn: str = moto.client("cloudtrail").create_trail(
        Name=name, S3BucketName=f"{name}-logs", IsMultiRegionTrail=True, **extra)["TrailARN"]
    return arn


def test_trail_with_kms_key_passes_trail_without_fails(moto: Moto) -> None:
    encrypted = _trail(moto, "encrypted-trail", KmsKeyId=KEY)
    plain = _trail(moto, "plain-trail")

    results = by_resource(moto.run(cloudtrail_kms_encryption))

    assert results[encrypted].status is Status.PASS
    assert KEY in results[encrypted].message
    assert results[plain].status is Status.FAIL
    assert results[plain].message == "log files are not encrypted with a KMS key (SSE-S3 only)"
    assert {r.region for r in results.values()} == {"us-east-1"}
