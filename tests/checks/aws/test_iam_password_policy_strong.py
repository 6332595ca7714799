from typing import Any

from checks.aws.iam_password_policy_strong import iam_password_policy_strong
from collector.cloud.replay import AwsReplayContext, Recording
from collector.model import Status
from tests.conftest import Moto, by_resource

ACCOUNT = "arn:aws:iam::123456789012:root"
CIS = {
    "MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": True,
    "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
    "MaxPasswordAge": 90, "PasswordReusePrevention": 24,
}


def _verdict(moto: Moto, policy: dict[str, Any] | None, **params: Any) -> Any:
    if policy is not None:
        moto.client("iam").update_account_password_policy(**policy)
    return by_resource(moto.run(iam_password_policy_strong, params=params))[ACCOUNT]


def test_missing_policy_fails(moto: Moto) -> None:
    result = _verdict(moto, None)
    assert result.status is Status.FAIL
    assert "no account password policy" in result.message


def test_cis_policy_passes(moto: Moto) -> None:
    result = _verdict(moto, CIS)
    assert result.status is Status.PASS
    assert "minimum length 14" in result.message
    assert "reuse of the last 24 passwords blocked" in result.message


def test_weak_policy_fails_naming_each_gap(moto: Moto) -> None:
    result = _verdict(moto, {**CIS, "MinimumPasswordLength": 8, "RequireSymbols": False,
                             "PasswordReusePrevention": 5})
    assert result.status is Status.FAIL
    assert "minimum length is 8 (< 14)" in result.message
    assert "symbols are not required" in result.message
    assert "last 5 passwords (< 24)" in result.message


def test_no_expiry_fails_by_default_and_passes_when_expiry_is_not_required(moto: Moto) -> None:
    no_expiry = {k: v for k, v in CIS.items() if k != "MaxPasswordAge"}
    assert "passwords never expire" in _verdict(moto, no_expiry).message
    result = _verdict(moto, None, max_age_days=0)
    assert result.status is Status.PASS
    assert "no expiry" in result.message


def test_thresholds_are_tunable(moto: Moto) -> None:
    weak = {**CIS, "MinimumPasswordLength": 10, "MaxPasswordAge": 180}
    assert _verdict(moto, weak).status is Status.FAIL
    assert _verdict(moto, None, min_length=10, max_age_days=365).status is Status.PASS


def test_fields_the_policy_leaves_out_are_not_set() -> None:
    # iam PasswordPolicy: every member is optional; ExpirePasswords "Returns false if
    # MaxPasswordAge is 0 or not present"
    def judged(policy: dict[str, Any]) -> Any:
        recording = Recording()
        recording.add_entry({"service": "iam", "operation": "get_account_password_policy",
                             "params": {}, "response": {"PasswordPolicy": policy}})
        return by_resource(list(iam_password_policy_strong.run(
            AwsReplayContext(recording, "global"))))[ACCOUNT]

    bare = judged({"AllowUsersToChangePassword": True})
    assert bare.status is Status.FAIL
    for gap in ("no minimum length is set", "symbols are not required",
                "passwords never expire", "reuse is prevented for the last 0 passwords"):
        assert gap in bare.message
    assert judged(CIS).status is Status.PASS
    no_length = {k: v for k, v in CIS.items() if k != "MinimumPasswordLength"}
    assert judged(no_length).status is Status.FAIL
