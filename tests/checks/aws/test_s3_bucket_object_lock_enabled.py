from checks.aws.s3_bucket_object_lock_enabled import s3_bucket_object_lock_enabled
from collector.model import Status
from tests.conftest import Moto, by_resource


def _estate(moto: Moto) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="audit-logs", ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket="audit-logs", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 400}}})
    s3.create_bucket(Bucket="backup-no-rule", ObjectLockEnabledForBucket=True)
    s3.create_bucket(Bucket="scratch")


def test_locked_bucket_with_default_retention_passes_others_fail(moto: Moto) -> None:
    _estate(moto)

    results = by_resource(moto.run(s3_bucket_object_lock_enabled))

    locked = results["arn:aws:s3:::audit-logs"]
    assert locked.status is Status.PASS
    assert locked.message == ("Object Lock is enabled with default COMPLIANCE retention of "
                              "400 days")
    no_rule = results["arn:aws:s3:::backup-no-rule"]
    assert no_rule.status is Status.FAIL
    assert no_rule.message == "Object Lock is enabled but has no default retention rule"
    assert results["arn:aws:s3:::scratch"].status is Status.FAIL
    assert results["arn:aws:s3:::scratch"].message == "Object Lock is not enabled"


def test_only_buckets_matching_the_patterns_are_judged(moto: Moto) -> None:
    _estate(moto)

    results = by_resource(moto.run(s3_bucket_object_lock_enabled,
                                   params={"buckets": ("audit-*", "backup-*")}))

    assert set(results) == {"arn:aws:s3:::audit-logs", "arn:aws:s3:::backup-no-rule"}
