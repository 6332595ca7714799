"""GuardDuty findings: the SLA verdicts, and a failed GetFindings batch (issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from checks.aws.guardduty_high_findings_resolved import BATCH, guardduty_high_findings_resolved
from collector.cloud.replay import AwsReplayContext, Recording
from collector.model import Result, Status
from tests.checks.aws.replaying import replay
from tests.conftest import Moto, by_resource

DETECTOR = "arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34eexample"
OLD = f"{DETECTOR}/finding/4cb5f4fa0e9f1b2c3d4e5f6a7b8c9d0e"
NEW = f"{DETECTOR}/finding/9fb5f4fa0e9f1b2c3d4e5f6a7b8c9d11"
OLD_AGE, NEW_AGE = timedelta(days=365), timedelta(hours=1)
CRITERIA = {"Criterion": {"severity": {"GreaterThanOrEqual": 7},
                          "service.archived": {"Equals": ["false"]}}}


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


def _fleet(count: int) -> tuple[Recording, list[str]]:
    """A detector with `count` open high-severity findings (GetFindings batches of 50);
    even-numbered findings were first seen a year ago, odd ones an hour ago."""
    now = datetime.now(UTC)
    ids = [f"{n:032x}" for n in range(1, count + 1)]
    detector = DETECTOR.rsplit("/", 1)[1]
    recording = Recording()
    region = {"region": "us-east-1"}
    recording.add_entry({"service": "guardduty", "operation": "list_detectors", "params": {},
                         "pages": [{"DetectorIds": [detector]}], **region})
    recording.add_entry({"service": "guardduty", "operation": "list_findings",
                         "params": {"DetectorId": detector, "FindingCriteria": CRITERIA},
                         "pages": [{"FindingIds": ids[:30]}, {"FindingIds": ids[30:]}],
                         **region})
    for start in range(0, count, BATCH):
        batch = ids[start:start + BATCH]
        findings = [{
            "AccountId": "123456789012", "Arn": f"{DETECTOR}/finding/{fid}", "Id": fid,
            "CreatedAt": f"{now - (OLD_AGE if n % 2 == 0 else NEW_AGE):%Y-%m-%dT%H:%M:%S.000Z}",
            "Partition": "aws", "Region": "us-east-1", "SchemaVersion": "2.0", "Severity": 8.0,
            "Type": "UnauthorizedAccess:EC2/SSHBruteForce", "UpdatedAt": "2025-05-01T10:15:30Z",
            "Resource": {"ResourceType": "Instance"}}
            for n, fid in ((int(f, 16), f) for f in batch)]
        recording.add_entry({"service": "guardduty", "operation": "get_findings",
                             "params": {"DetectorId": detector, "FindingIds": batch},
                             "response": {"Findings": findings}, **region})
    return recording, ids


def _run(recording: Recording) -> dict[str, Result]:
    return by_resource(list(guardduty_high_findings_resolved.run(
        AwsReplayContext(recording, "us-east-1"))))


def test_a_failed_batch_costs_only_its_findings() -> None:
    # GetFindings takes at most 50 FindingIds (guardduty service-2.json, FindingIds max 50):
    # 120 findings are read in 3 batches; the second one is denied.
    recording, ids = _fleet(120)
    baseline = _run(recording)
    assert len(baseline) == 120
    statuses = {r.status for r in baseline.values()}
    assert statuses == {Status.PASS, Status.FAIL}

    detector = DETECTOR.rsplit("/", 1)[1]
    denied = _run(recording.failing("guardduty", "get_findings",
                                    {"DetectorId": detector, "FindingIds": ids[50:100]}))

    arn = {fid: f"{DETECTOR}/finding/{fid}" for fid in ids}
    assert set(denied) == set(baseline)  # nothing vanishes, the detector gets no row
    for fid in ids[50:100]:
        result = denied[arn[fid]]
        assert result.status is Status.ERROR and result.error_code == "AccessDenied"
        assert "guardduty:get_findings" in result.message
    for fid in ids[:50] + ids[100:]:
        assert denied[arn[fid]] == baseline[arn[fid]]


def test_findings_beyond_one_batch_are_all_judged() -> None:
    recording, ids = _fleet(51)
    results = _run(recording)
    assert len(results) == 51
    last = results[f"{DETECTOR}/finding/{ids[-1]}"]
    assert last.status is (Status.PASS if int(ids[-1], 16) % 2 else Status.FAIL)
