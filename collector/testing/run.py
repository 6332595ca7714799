"""Running one check against a context and reading its results by resource.

`run_check(check, ctx)` is the one way the kit (and this project's own tests) runs a check:
as the runner does, over one scope's context with the declared parameter defaults, except that
an exception escaping the check is raised to the test rather than recorded. What comes back is a
`CheckRun`: the results in order, `by_resource` and `statuses` keyed by resource id (both fail
the test when a resource has more than one result: a check judges each resource once).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from collector.model import Result, Status

if TYPE_CHECKING:
    from collector.cloud.api import AwsApi, AzureApi, GcpApi
    from collector.plugin import Check, ParamValue

__all__ = ["CheckRun", "aws_label", "by_resource", "replay_check", "run_check", "statuses"]


def by_resource(results: Iterable[Result]) -> dict[str, Result]:
    """Results keyed by resource id; AssertionError when a resource has two results."""
    listed = list(results)
    out = {r.resource_id: r for r in listed}
    if len(out) != len(listed):
        twice = sorted(rid for rid, n in Counter(r.resource_id for r in listed).items() if n > 1)
        raise AssertionError(f"more than one result for {twice}: {listed}")
    return out


def statuses(results: Iterable[Result]) -> dict[str, Status]:
    """Status by resource id; AssertionError when a resource has two results."""
    return {rid: r.status for rid, r in by_resource(results).items()}


@dataclass(frozen=True)
class CheckRun:
    """What one check said about one scope."""

    check_id: str
    results: tuple[Result, ...]

    @property
    def by_resource(self) -> dict[str, Result]:
        """Results keyed by resource id (one per resource, else AssertionError)."""
        return by_resource(self.results)

    @property
    def statuses(self) -> dict[str, Status]:
        """Status by resource id (one per resource, else AssertionError)."""
        return statuses(self.results)

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


def run_check(check: Check, ctx: AwsApi | GcpApi | AzureApi,
              params: Mapping[str, ParamValue] | None = None) -> CheckRun:
    """Run `check` over one scope's context; `params` override its declared defaults."""
    return CheckRun(check.id, tuple(check.run(ctx, params)))


def aws_label(check: Check, region: str) -> str:
    """The label an AWS check runs under: "global" for a global check, else the region."""
    return "global" if check.scoping == "global" else region


def replay_check(check: Check, recording: Path, region: str = "us-east-1",
                 params: Mapping[str, ParamValue] | None = None) -> CheckRun:
    """Run an AWS check answered by recorded responses (a JSON file, or a folder of them, in
    the format of `collector.cloud.replay.Recording`), as it would run in `region`."""
    from collector.cloud.replay import AwsReplayContext, Recording

    context = AwsReplayContext(Recording.load(recording), aws_label(check, region))
    return run_check(check, context, params)
