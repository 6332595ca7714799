from checks.aws.s3_bucket_versioning_enabled import s3_bucket_versioning_enabled
from collector.model import Status
from tests.conftest import Moto, by_resource


def test_enabled_passes_suspended_and_never_enabled_fail(moto: Moto) -> None:
    s3 = moto.client("s3")
    for name in ("versioned-bucket", "suspended-bucket", "plain-bucket"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket="versioned-bucket",
                             VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket="suspended-bucket",
                             VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket="suspended-bucket",
                             VersioningConfiguration={"Status": "Suspended"})

    results = by_resource(moto.run(s3_bucket_versioning_enabled))

    assert results["arn:aws:s3:::versioned-bucket"].status is Status.PASS
    assert results["arn:aws:s3:::versioned-bucket"].message == "versioning is enabled"
    assert results["arn:aws:s3:::suspended-bucket"].status is Status.FAIL
    assert "suspended" in results["arn:aws:s3:::suspended-bucket"].message
    assert results["arn:aws:s3:::plain-bucket"].status is Status.FAIL
    assert "never been enabled" in results["arn:aws:s3:::plain-bucket"].message
