from checks.aws.iam_unused_credentials_disabled import iam_unused_credentials_disabled
from collector.model import Status
from tests.conftest import Moto, by_resource


def _user_arn(name: str) -> str:
    return f"arn:aws:iam::123456789012:user/{name}"


def _estate(moto: Moto) -> None:
    iam = moto.client("iam")
    for name in ("key-user", "console-user", "inactive-user", "idle-user"):
        iam.create_user(UserName=name)
    iam.create_access_key(UserName="key-user")
    iam.create_login_profile(UserName="console-user", Password="Correct-Horse-Battery-9")
    key = iam.create_access_key(UserName="inactive-user")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="inactive-user", AccessKeyId=key, Status="Inactive")


def test_recent_credentials_pass(moto: Moto) -> None:
    _estate(moto)

    results = by_resource(moto.run(iam_unused_credentials_disabled))

    assert results[_user_arn("key-user")].status is Status.PASS
    assert "access key 1" in results[_user_arn("key-user")].message
    assert results[_user_arn("console-user")].status is Status.PASS
    assert results[_user_arn("idle-user")].status is Status.PASS
    assert "no active console password or access key" in results[_user_arn("idle-user")].message


def test_never_used_credentials_older_than_the_limit_fail(moto: Moto) -> None:
    # moto reports every key's last use as N/A: with a 0-day limit a fresh key is already stale.
    _estate(moto)

    results = by_resource(moto.run(iam_unused_credentials_disabled,
                                   params={"max_unused_days": 0}))

    key_user = results[_user_arn("key-user")]
    assert key_user.status is Status.FAIL
    assert "access key 1 never used since it was set on" in key_user.message
    console = results[_user_arn("console-user")]
    assert console.status is Status.FAIL
    assert "console password never used" in console.message
    assert results[_user_arn("inactive-user")].status is Status.PASS
