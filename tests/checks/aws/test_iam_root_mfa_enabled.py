import pytest

from checks.aws.iam_root_mfa_enabled import iam_root_mfa_enabled
from collector.model import Status
from tests.conftest import Moto, by_resource

ACCOUNT_ID = "123456789012"
ACCOUNT = f"arn:aws:iam::{ACCOUNT_ID}:root"


@pytest.fixture
def root_mfa_on(moto: Moto) -> None:
    """moto has no API to give the root user MFA (AccountMFAEnabled is always 0), so set its
    in-process IAM backend directly; the moto fixture's reset clears it for the next test."""
    from moto.iam.models import iam_backends

    iam_backends[ACCOUNT_ID]["aws"].account_summary._account_mfa_enabled = 1


def test_root_without_mfa_fails(moto: Moto) -> None:
    results = by_resource(moto.run(iam_root_mfa_enabled))

    assert results[ACCOUNT].status is Status.FAIL
    assert results[ACCOUNT].message == "the root user has no MFA device"


def test_root_with_mfa_passes(moto: Moto, root_mfa_on: None) -> None:
    results = by_resource(moto.run(iam_root_mfa_enabled))

    assert results[ACCOUNT].status is Status.PASS
    assert "MFA enabled" in results[ACCOUNT].message


def test_hardware_requirement_passes_without_a_root_virtual_device(
    moto: Moto, root_mfa_on: None
) -> None:
    results = by_resource(moto.run(iam_root_mfa_enabled, params={"require_hardware_mfa": True}))

    assert results[ACCOUNT].status is Status.PASS
    assert "non-virtual" in results[ACCOUNT].message


def test_hardware_requirement_fails_a_root_virtual_device(moto: Moto, root_mfa_on: None) -> None:
    # AWS names the root user's virtual device `root-account-mfa-device`; moto cannot assign a
    # device to root, so it is assigned to a user to appear in the "Assigned" list.
    iam = moto.client("iam")
    iam.create_user(UserName="holder")
    serial = iam.create_virtual_mfa_device(
        VirtualMFADeviceName="root-account-mfa-device")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="holder", SerialNumber=serial,
                          AuthenticationCode1="123456", AuthenticationCode2="654321")

    results = by_resource(moto.run(iam_root_mfa_enabled, params={"require_hardware_mfa": True}))

    assert results[ACCOUNT].status is Status.FAIL
    assert serial in results[ACCOUNT].message
