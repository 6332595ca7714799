"""The providers a run can cover, registered once: one `Provider` record per cloud.

A record names everything core code needs of a provider: the name its check ids start with,
the opener that enumerates and opens its scopes from the configuration, its configuration
section, its thread budget, and how to render the least privilege its checks need. The check
plugin API, the runner's plan and pool, and the CLI read the registry (`PROVIDERS`, `names`,
`get`) instead of listing the providers themselves.

Each opener yields the scopes it could open (`ScopeTarget`, whose contexts the checks receive)
and the ones it could not (`UnavailableScope`, recorded as one error for that scope); the runner
does the rest.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from collector import __version__
from collector.cloud.base import EvidenceSink, ScopeTarget, UnavailableScope
from config.settings import Settings

if TYPE_CHECKING:
    from collector.plugin import Check


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


def aws_permissions(checks: Sequence[Check], settings: Settings) -> str:
    from collector.permissions import aws

    return aws.render(checks, organization=settings.aws.organization)


def gcp_permissions(checks: Sequence[Check], settings: Settings) -> str:
    from collector.permissions import gcp

    return gcp.render(checks, scopes=settings.gcp.scopes if settings.gcp else ())


def azure_permissions(checks: Sequence[Check], settings: Settings) -> str:
    from collector.permissions import azure

    az = settings.azure
    subs = az.subscriptions if az is not None and az.subscriptions != "all" else ()
    return azure.render(checks, subscriptions=subs)


AWS_THREADS_PER_WORKER = 3
"""AWS bounds requests on the wire itself (aws.max_workers, across accounts), so its pool may
run more checks than that: a check waiting on a request another check already made (the
memo) then does not hold one of the request slots."""


@dataclass(frozen=True)
class Provider:
    """One provider a run can cover: what the plan, the pool, the plugin API and the CLI need."""

    name: str
    """What its check ids start with (`<name>_…`), and its name in results and on the CLI."""
    opener: Opener
    """Enumerates the configured scopes (accounts, projects, subscriptions…) and opens them."""
    section: str | None
    """Its `Settings` section: present (and not `enabled: false`) turns the provider on;
    its `max_workers` bounds the provider's concurrency. None: configured nowhere, on whenever
    checks of it are selected."""
    permissions: Callable[[Sequence[Check], Settings], str]
    """The least-privilege policy for the selected checks, as `evidence permissions` prints."""
    threads_per_worker: int = 1
    """Pool threads per `max_workers` (more where requests are gated on the wire)."""
    regional: bool = False
    """Whether a check may read it region by region (AWS): there a check runs once per region
    unless it says `scoping="global"`; elsewhere (one global API: Cloud Asset, Resource Graph
    and ARM) a check runs once per scope unless it says otherwise."""

    def settings(self, settings: Settings) -> object | None:
        """Its configuration section, or None when the configuration has none."""
        return getattr(settings, self.section, None) if self.section else None


_REGISTRY: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    """Add a provider (once per name); its checks, scopes and permissions then take part."""
    if provider.name in _REGISTRY and _REGISTRY[provider.name] != provider:
        raise ValueError(f"provider {provider.name!r} is already registered")
    _REGISTRY[provider.name] = provider
    return provider


def unregister(name: str) -> None:
    """Remove a registered provider (a plug-in's tests restoring the registry)."""
    _REGISTRY.pop(name, None)


def names() -> tuple[str, ...]:
    """The registered providers' names, in registration order (the order a run covers them)."""
    return tuple(_REGISTRY)


def get(name: str) -> Provider:
    """The registered provider of that name (KeyError if none)."""
    return _REGISTRY[name]


for _provider in (
    Provider("aws", open_aws, "aws", aws_permissions, AWS_THREADS_PER_WORKER, regional=True),
    Provider("gcp", open_gcp, "gcp", gcp_permissions),
    Provider("azure", open_azure, "azure", azure_permissions),
):
    register(_provider)

PROVIDERS: Mapping[str, Provider] = MappingProxyType(_REGISTRY)
"""Provider name -> `Provider`: a read-only, live view of the registry (add with `register`)."""


class _Openers(Mapping[str, Opener]):
    """Provider name -> opener, read live from the registry."""

    def __getitem__(self, name: str) -> Opener:
        return _REGISTRY[name].opener

    def __iter__(self) -> Iterator[str]:
        return iter(_REGISTRY)

    def __len__(self) -> int:
        return len(_REGISTRY)


OPENERS: Mapping[str, Opener] = _Openers()
"""Provider name -> opener. A provider runs when checks of it are selected and it is enabled."""


def enabled(settings: Settings, provider: str) -> bool:
    """Whether the configuration turns a provider on: its section is present, and not
    `enabled: false`."""
    registered = get(provider)
    if registered.section is None:
        return True
    section = registered.settings(settings)
    return section is not None and bool(getattr(section, "enabled", True))


def max_workers(settings: Settings, provider: str) -> int:
    return int(getattr(get(provider).settings(settings), "max_workers", 8) or 8)


def pool_threads(settings: Settings, provider: str) -> int:
    """Threads of the provider's pool: its max_workers, or more where requests are gated.

    max_workers 1 stays strictly serial (one check at a time), for debugging."""
    workers = max_workers(settings, provider)
    return workers * get(provider).threads_per_worker if workers > 1 else workers
