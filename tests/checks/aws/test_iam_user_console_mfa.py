from checks.aws.iam_user_console_mfa import iam_user_console_mfa
from collector.model import Status
from tests.conftest import Moto, by_resource


def _user_arn(name: str) -> str:
    return f"arn:aws:iam::123456789012:user/{name}"


def test_console_users_need_mfa_and_key_only_users_are_not_judged(moto: Moto) -> None:
    iam = moto.client("iam")
    for name in ("with-mfa", "without-mfa", "keys-only"):
        iam.create_user(UserName=name)
    for name in ("with-mfa", "without-mfa"):
        iam.create_login_profile(UserName=name, Password="Correct-Horse-Battery-9")
    serial = iam.create_virtual_mfa_device(
        VirtualMFADeviceName="with-mfa")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="with-mfa", SerialNumber=serial,
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.create_access_key(UserName="keys-only")

    results = by_resource(moto.run(iam_user_console_mfa))

    assert results[_user_arn("with-mfa")].status is Status.PASS
    assert results[_user_arn("without-mfa")].status is Status.FAIL
    assert "no active MFA device" in results[_user_arn("without-mfa")].message
    assert _user_arn("keys-only") not in results


def test_no_users_gives_no_results(moto: Moto) -> None:
    assert moto.run(iam_user_console_mfa) == []
