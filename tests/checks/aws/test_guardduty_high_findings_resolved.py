from checks.aws.guardduty_high_findings_resolved import guardduty_high_findings_resolved
from collector.model import Status
from tests.checks.aws.replaying import replay
from tests.conftest import Moto, by_resource

DETECTOR = "arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34eexample"
OLD = f"{DETECTOR}/finding/4cb5f4fa0e9f1b2c3d4e5f6a7b8c9d0e"
NEW = f"{DETECTOR}/finding/9fb5f4fa0e9f1b2c3d4e5f6a7b8c9d11"


def test_findings_beyond_the_sla_fail_newer_ones_pass() -> None:
    results = by_resource(replay(guardduty_high_findings_resolved, "open_findings"))

    old = results[OLD]
    assert old.status is Status.FAIL
    assert old.message.startswith("UnauthorizedAccess:EC2/SSHBruteForce (severity 8.0) open "
                                  "since 2025-05-01T10:15:30.000Z: ")
    assert "beyond the 7-day SLA" in old.message
    assert results[NEW].status is Status.PASS
    assert DETECTOR not in results


def test_detector_without_open_high_findings_passes() -> None:
    results = by_resource(replay(guardduty_high_findings_resolved, "clean"))

    assert results[DETECTOR].status is Status.PASS
    assert results[DETECTOR].message == "no open high-severity finding"


def test_region_without_detector_gives_no_result(moto: Moto) -> None:
    assert moto.run(guardduty_high_findings_resolved) == []
