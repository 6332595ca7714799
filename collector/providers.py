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
    owns: Callable[[str], bool] | None = None
    """--shard: whether this process collects a scope id; openers that know a scope's id
    before opening it skip the others' (the runner also skips them after opening)."""


Opener = Callable[[Settings, OpenRequest], Iterator[ScopeTarget | UnavailableScope]]


def open_aws(settings: Settings, req: OpenRequest) -> Iterator[ScopeTarget | UnavailableScope]:
    from collector.cloud.aws_accounts import open_accounts

    endpoint = settings.aws.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    aws = settings.aws
    if req.owns is not None and aws.accounts and not aws.organization:
        mine = tuple(a for a in aws.accounts if req.owns(a.id))
        if not mine:
            return  # every listed account is another shard's (none means "current" otherwise)
        aws = aws.model_copy(update={"accounts": mine})
    yield from open_accounts(aws, req.sink, tool_version=__version__,
                             endpoint_url=endpoint, regions=req.regions, owns=req.owns)


def open_gcp(settings: Settings, req: OpenRequest) -> Iterator[ScopeTarget | UnavailableScope]:
    from collector.cloud.gcp import contract_scope
    from collector.cloud.gcp_scopes import open_scopes

    gcp = settings.gcp
    if gcp is None:
        return
    if req.owns is not None:
        mine = tuple(s for s in gcp.scopes if req.owns(contract_scope(s)))  # as scope_id
        if not mine:
            return
        gcp = gcp.model_copy(update={"scopes": mine})
    yield from open_scopes(gcp, req.sink, tool_version=__version__)


def open_azure(settings: Settings, req: OpenRequest) -> Iterator[ScopeTarget | UnavailableScope]:
    from collector.cloud.azure_subscriptions import open_subscriptions

    azure = settings.azure
    if azure is None:
        return
    if req.owns is not None and azure.subscriptions != "all":
        mine = tuple(s for s in azure.subscriptions if req.owns(s))
        if not mine:
            return
        azure = azure.model_copy(update={"subscriptions": mine})
    yield from open_subscriptions(azure, req.sink, tool_version=__version__)


OPENERS: dict[str, Opener] = {"aws": open_aws, "gcp": open_gcp, "azure": open_azure}
"""Provider name -> opener. A provider runs when checks of it are selected and it is enabled."""


def enabled(settings: Settings, provider: str) -> bool:
    """Whether the configuration turns a provider on."""
    if provider == "aws":
        return settings.aws.enabled
    return getattr(settings, provider, None) is not None


def max_workers(settings: Settings, provider: str) -> int:
    return int(getattr(getattr(settings, provider, None), "max_workers", 8) or 8)


AWS_THREADS_PER_WORKER = 3
"""AWS bounds requests on the wire itself (aws.max_workers, across accounts), so its pool may
run more checks than that: a check waiting on a request another check already made (the
memo) then does not hold one of the request slots."""


def pool_threads(settings: Settings, provider: str) -> int:
    """Threads of the provider's pool: its max_workers, or more where requests are gated.

    max_workers 1 stays strictly serial (one check at a time), for debugging."""
    workers = max_workers(settings, provider)
    return workers * AWS_THREADS_PER_WORKER if provider == "aws" and workers > 1 else workers
