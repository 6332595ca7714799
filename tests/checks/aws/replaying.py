"""Running a check over recorded responses (tests/checks/aws/recordings/<check>/<name>.json)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from collector.cloud.replay import AwsReplayContext, Recording
from collector.model import Result
from collector.plugin import Check

RECORDINGS = Path(__file__).parent / "recordings"


def replay(check: Check, name: str, region: str = "us-east-1",
           params: dict[str, Any] | None = None) -> list[Result]:
    """Run `check` as the runner would, answered by the recording `<check id>/<name>.json`."""
    folder = check.id.removeprefix("aws_")
    recording = Recording.load(RECORDINGS / folder / f"{name}.json")
    label = "global" if check.scoping == "global" else region
    return list(check.run(AwsReplayContext(recording, label), params))
