from checks.aws.ebs_snapshot_not_public import ebs_snapshot_not_public
from collector.model import Status
from tests.checks.aws.replaying import replay
from tests.conftest import by_resource

ARN = "arn:aws:ec2:us-east-1:123456789012"
SETTING = f"{ARN}:account/snapshot-block-public-access"


def test_public_snapshot_fails_privately_shared_one_passes() -> None:
    results = by_resource(replay(ebs_snapshot_not_public, "blocked"))

    public = results[f"{ARN}:snapshot/snap-0public11111111111"]
    assert public.status is Status.FAIL
    assert public.message == "the snapshot is public: anyone can create a volume from it"
    shared = results[f"{ARN}:snapshot/snap-0shared22222222222"]
    assert shared.status is Status.PASS
    assert shared.message == "the snapshot is not public; shared with account(s) 210987654321"
    assert results[SETTING].status is Status.PASS


def test_unblocked_account_setting_fails() -> None:
    results = by_resource(replay(ebs_snapshot_not_public, "unblocked"))

    assert results[SETTING].status is Status.FAIL
    assert results[SETTING].message == "snapshot block public access is unblocked in us-east-1"


def test_unreadable_setting_is_an_error_and_snapshots_are_still_judged() -> None:
    results = by_resource(replay(ebs_snapshot_not_public, "denied"))

    assert results[SETTING].status is Status.ERROR
    assert results[SETTING].error_code == "UnauthorizedOperation"
    assert results[f"{ARN}:snapshot/snap-0public11111111111"].status is Status.FAIL
