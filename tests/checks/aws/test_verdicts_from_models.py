"""Verdicts changed by reading botocore's service models (issue 13, What to build 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from checks.aws.acm_certificate_not_expiring import _verdict as acm_verdict
from checks.aws.backup_plan_retention import _plan_verdict
from checks.aws.kms_cmk_rotation_enabled import _in_scope, kms_cmk_rotation_enabled
from collector.model import Status
from tests.conftest import Moto, by_resource

ARN = "arn:aws:backup:us-east-1:123456789012:backup-plan:p"


def test_backup_delete_after_days_minus_one_keeps_indefinitely() -> None:
    # backup Lifecycle: "specify -1 for MoveToColdStorageAfterDays and DeleteAfterDays" to keep
    # recovery points indefinitely
    plan = {"Rules": [{"RuleName": "forever", "Lifecycle": {"DeleteAfterDays": -1}}]}
    result = _plan_verdict(ARN, plan, 35)
    assert result.status is Status.PASS and "indefinitely" in result.message


def test_backup_delete_after_copy_counts_the_copies_retention() -> None:
    # Lifecycle.DeleteAfterEvent DELETE_AFTER_COPY: the source point goes once copied
    short = {"Rules": [{"RuleName": "r", "Lifecycle": {"DeleteAfterEvent": "DELETE_AFTER_COPY"},
                        "CopyActions": [{"DestinationBackupVaultArn": "v",
                                         "Lifecycle": {"DeleteAfterDays": 7}}]}]}
    none = {"Rules": [{"RuleName": "r", "Lifecycle": {"DeleteAfterEvent": "DELETE_AFTER_COPY"}}]}
    long = {"Rules": [{"RuleName": "r", "Lifecycle": {"DeleteAfterEvent": "DELETE_AFTER_COPY"},
                       "CopyActions": [{"DestinationBackupVaultArn": "v",
                                        "Lifecycle": {"DeleteAfterDays": 400}}]}]}
    assert _plan_verdict(ARN, short, 35).status is Status.FAIL
    assert _plan_verdict(ARN, none, 35).status is Status.FAIL
    assert _plan_verdict(ARN, long, 35).status is Status.PASS


def test_acm_revoked_certificate_in_use_fails() -> None:
    now = datetime.now(UTC)
    cert = {"DomainName": "shop.example.com", "Status": "REVOKED", "InUseBy": ["arn:lb"],
            "NotAfter": now + timedelta(days=200)}
    assert acm_verdict("arn:acm", cert, now, 30, False).status is Status.FAIL
    assert acm_verdict("arn:acm", {**cert, "Status": "ISSUED"}, now, 30,
                       False).status is Status.PASS


def test_kms_key_with_imported_material_is_out_of_scope(moto: Moto) -> None:
    # kms:GetKeyRotationStatus: "You cannot enable automatic rotation of ... KMS keys with
    # imported key material, or KMS keys in a custom key store"
    kms = moto.client("kms")
    external = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
    generated = kms.create_key()["KeyMetadata"]

    results = by_resource(moto.run(kms_cmk_rotation_enabled))

    assert external["Arn"] not in results
    assert results[generated["Arn"]].status is Status.FAIL


def test_kms_enabled_keys_outside_kms_generated_material_cannot_rotate() -> None:
    base = {"KeyManager": "CUSTOMER", "KeyState": "Enabled", "KeySpec": "SYMMETRIC_DEFAULT"}
    assert _in_scope({**base, "Origin": "AWS_KMS"})
    for origin in ("EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"):
        assert not _in_scope({**base, "Origin": origin})
