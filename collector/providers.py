"""The providers a run can cover: how each opens its scopes from the configuration.

Each opener yields the scopes it could open (`ScopeTarget`) and the ones it could not
(`UnavailableScope`, recorded as one error for that scope); the runner does the rest.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from collector import __version__
from collector.cloud.base import EvidenceSink, ScopeTarget, UnavailableScope
from config.settings import Settings


@dataclass(frozen=True)
class OpenRequest:
    """What an opener needs besides the settings."""

    sink: EvidenceSink
    regions: tuple[str, ...] = ()
    """--region: narrows the configured regions (where the provider has regions)."""


Opener = Callable[[Settings, OpenRequest], Iterator[ScopeTarget | UnavailableScope]]


def open_aws(settings: Settings, req: OpenRequest) -> Iterator[ScopeTarget | UnavailableScope]:
    from collector.cloud.aws_accounts import open_accounts

    endpoint = settings.aws.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    yield from open_accounts(settings.aws, req.sink, tool_version=__version__,
                             endpoint_url=endpoint, regions=req.regions)


OPENERS: dict[str, Opener] = {"aws": open_aws}
"""Provider name -> opener. A provider runs when checks of it are selected and it is enabled."""


def enabled(settings: Settings, provider: str) -> bool:
    """Whether the configuration turns a provider on."""
    if provider == "aws":
        return settings.aws.enabled
    return getattr(settings, provider, None) is not None


def max_workers(settings: Settings, provider: str) -> int:
    return int(getattr(getattr(settings, provider, None), "max_workers", 8) or 8)
