from checks.aws.iam_root_not_used_recently import iam_root_not_used_recently
from collector.model import Status
from tests.checks.aws.replaying import replay
from tests.conftest import Moto, by_resource

ACCOUNT = "arn:aws:iam::123456789012:root"


def test_root_unused_for_months_passes() -> None:
    result = by_resource(replay(iam_root_not_used_recently, "quiet"))[ACCOUNT]

    assert result.status is Status.PASS
    assert result.message == ("the root user was not used in the last 90 days "
                              "(last used 2024-03-02)")


def test_recent_root_sign_in_and_key_use_fail() -> None:
    # The recording's dates lie in 2099: "recent" whenever the test runs.
    result = by_resource(replay(iam_root_not_used_recently, "recently_used"))[ACCOUNT]

    assert result.status is Status.FAIL
    assert "console sign-in on 2099-01-05" in result.message
    assert "access key 1 on 2099-01-06" in result.message


def test_moto_report_without_a_root_row_is_an_error(moto: Moto) -> None:
    result = by_resource(moto.run(iam_root_not_used_recently))[ACCOUNT]

    assert result.status is Status.ERROR
    assert result.error_code == "NoRootAccountRow"
