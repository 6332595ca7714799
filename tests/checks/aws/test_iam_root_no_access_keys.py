import pytest

from checks.aws.iam_root_no_access_keys import iam_root_no_access_keys
from collector.model import Status
from tests.conftest import Moto, by_resource

ACCOUNT_ID = "123456789012"
ACCOUNT = f"arn:aws:iam::{ACCOUNT_ID}:root"


@pytest.fixture
def root_key(moto: Moto) -> None:
    """moto has no API to give the root user an access key, so set its in-process IAM backend
    directly (AccountAccessKeysPresent); the moto fixture's reset clears it for the next test."""
    from moto.iam.models import iam_backends

    iam_backends[ACCOUNT_ID]["aws"].account_summary._account_access_keys_present = 1


def test_root_without_access_keys_passes(moto: Moto) -> None:
    moto.client("iam").create_user(UserName="alice")  # users' keys are not root keys
    moto.client("iam").create_access_key(UserName="alice")

    result = by_resource(moto.run(iam_root_no_access_keys))[ACCOUNT]

    assert result.status is Status.PASS
    assert result.message == "the root user has no access keys"


def test_root_with_an_access_key_fails(moto: Moto, root_key: None) -> None:
    result = by_resource(moto.run(iam_root_no_access_keys))[ACCOUNT]

    assert result.status is Status.FAIL
    assert result.message == "the root user has access keys"
