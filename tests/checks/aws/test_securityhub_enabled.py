import pytest

from checks.aws.securityhub_enabled import securityhub_enabled
from collector.cloud.base import AccessDenied
from collector.model import Status
from tests.checks.aws.replaying import replay
from tests.conftest import Moto, by_resource

ACCOUNT = "arn:aws:iam::123456789012:root"
HUB = "arn:aws:securityhub:us-east-1:123456789012:hub/default"


def test_hub_not_enabled_fails(moto: Moto) -> None:
    result = by_resource(moto.run(securityhub_enabled))[ACCOUNT]

    assert result.status is Status.FAIL
    assert result.message == "Security Hub is not enabled in us-east-1"


def test_hub_with_a_ready_standard_passes() -> None:
    result = by_resource(replay(securityhub_enabled, "with_standard"))[HUB]

    assert result.status is Status.PASS
    assert "aws-foundational-security-best-practices" in result.message


def test_hub_without_a_ready_standard_fails() -> None:
    result = by_resource(replay(securityhub_enabled, "standard_incomplete"))[HUB]

    assert result.status is Status.FAIL
    assert "(INCOMPLETE)" in result.message


def test_access_denied_on_standards_raises_the_aws_code() -> None:
    # The runner turns it into an `error` result carrying the code.
    with pytest.raises(AccessDenied) as denied:
        replay(securityhub_enabled, "standards_denied")
    assert denied.value.code == "AccessDeniedException"
