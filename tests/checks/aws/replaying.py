"""Running a check over recorded responses (tests/checks/aws/recordings/<check>/<name>.json)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from collector.model import Result
from collector.plugin import Check, ParamValue
from collector.testing import replay_check

RECORDINGS = Path(__file__).parent / "recordings"


def replay(check: Check, name: str, region: str = "us-east-1",
           params: Mapping[str, ParamValue] | None = None) -> list[Result]:
    """Run `check` as the runner would, answered by the recording `<check id>/<name>.json`."""
    path = RECORDINGS / check.id.removeprefix("aws_") / f"{name}.json"
    return list(replay_check(check, path, region, params).results)
