"""The check plugin API: the `@check` decorator and discovery through entry points.

A check is one function over a cloud context that yields `Result`s. Its metadata (id, SOC 2
criteria, permissions, tunable parameters) sits beside the code in the decorator; its title is
the first line of its docstring, followed by how it judges and, last, how to fix a failure
(`collector.remediation` gives the section's form). Checks are found through the entry-point group
`evidence.checks`: the built-in `checks` package registers itself the same way a third-party
package does (`[project.entry-points."evidence.checks"] name = "package"`).
"""

from __future__ import annotations

import fnmatch
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

from collector.cloud.base import each
from collector.model import Result
from collector.providers import PROVIDERS, names
from collector.remediation import Remediation, RemediationSyntaxError, split_docstring

if TYPE_CHECKING:
    from collector.cloud.api import AwsApi, AzureApi, GcpApi

__all__ = ["PROVIDERS", "Check", "Param", "Registry", "Remediation", "check", "discover", "each"]

ENTRY_POINT_GROUP = "evidence.checks"
Frequency = Literal["continuous", "daily", "weekly", "monthly", "quarterly", "annual"]
Scoping = Literal["global", "regional"]
ParamValue = int | float | str | bool | tuple[int | float | str | bool, ...]


class CheckDefinitionError(Exception):
    """A check (built-in or third-party) is declared wrongly; names the check and its origin."""


@dataclass(frozen=True)
class Param:
    """A tunable threshold of a check, set in evidence.yaml under `checks.params.<id>`."""

    name: str
    default: ParamValue
    kind: type


@dataclass(frozen=True)
class Check:
    """A registered check: the function plus the metadata auditors and the runner need."""

    id: str
    provider: str
    criteria: tuple[str, ...]
    permissions: tuple[str, ...]
    params: tuple[Param, ...]
    scoping: Scoping
    frequency: Frequency
    version: str
    title: str
    description: str
    func: Callable[..., Iterable[Result]] = field(repr=False, compare=False)
    origin: str = ""
    """Where it came from: distribution, version and module (set at discovery)."""
    remediation: Remediation | None = field(default=None, compare=False)
    """How to fix a failure (every built-in check has one; plug-in checks may omit it)."""

    @property
    def judgement(self) -> str:
        """How the check judges, for auditors: what passes, fails, is not applicable, and how
        edge cases are decided (the docstring after its title, as one paragraph)."""
        return " ".join(self.description.split())

    def defaults(self) -> dict[str, ParamValue]:
        return {p.name: p.default for p in self.params}

    def run(self, ctx: AwsApi | GcpApi | AzureApi,
            params: Mapping[str, ParamValue] | None = None) -> Iterator[Result]:
        """Run the check over one scope (its provider's context, `collector.cloud.api`);
        `params` override the declared defaults."""
        values = self.defaults()
        values.update(params or {})
        yield from self.func(ctx, **values)


def check(
    *,
    id: str,
    criteria: tuple[str, ...],
    permissions: tuple[str, ...],
    scoping: Scoping | None = None,
    frequency: Frequency = "daily",
    version: str = "1",
    remediation: Remediation | None = None,
) -> Callable[[Callable[..., Iterable[Result]]], Check]:
    """Declare a check. Tunable parameters are the function's keyword-only arguments.

    How to fix a failure is the docstring's last section (`collector.remediation`); a check
    made by code rather than written out (one function per row of a table) may pass
    ``remediation=`` instead, never both.

    ``scoping="global"`` runs the check once per account/project/subscription (IAM, S3 bucket
    listing); ``"regional"`` runs it once per region. The default is the provider's: regional
    where it has regional APIs (AWS), global elsewhere.
    """

    def wrap(func: Callable[..., Iterable[Result]]) -> Check:
        provider = id.split("_", 1)[0]
        where = f"{func.__module__}.{func.__qualname__}"
        try:
            title, judgement, fix = split_docstring(inspect.getdoc(func) or "")
        except RemediationSyntaxError as e:
            raise CheckDefinitionError(f"{where}: check {id!r}: docstring {e}") from None
        if fix is not None and remediation is not None:
            raise CheckDefinitionError(
                f"{where}: check {id!r} gives remediation twice (docstring and decorator)")
        if provider not in PROVIDERS:
            starts = "|".join(f"{name}_" for name in names())
            raise CheckDefinitionError(f"{where}: check id {id!r} must start with {starts}")
        if not title:
            raise CheckDefinitionError(f"{where}: check {id!r} needs a docstring (its title)")
        if not criteria or not permissions:
            raise CheckDefinitionError(f"{where}: check {id!r} must name criteria and permissions")
        return Check(
            id=id,
            provider=provider,
            criteria=tuple(criteria),
            permissions=tuple(permissions),
            params=_params_of(func, where),
            scoping=scoping or ("regional" if PROVIDERS[provider].regional else "global"),
            frequency=frequency,
            version=version,
            title=title,
            description=judgement,
            func=func,
            origin=func.__module__,
            remediation=fix or remediation,
        )

    return wrap


def _params_of(func: Callable[..., Any], where: str) -> tuple[Param, ...]:
    params = []
    for p in inspect.signature(func).parameters.values():
        if p.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        if p.default is inspect.Parameter.empty:
            raise CheckDefinitionError(f"{where}: parameter {p.name!r} needs a default")
        params.append(Param(p.name, p.default, type(p.default)))
    return tuple(params)


class DuplicateCheckError(CheckDefinitionError):
    """Two plugins define the same check id."""


@dataclass(frozen=True)
class Registry:
    """All discovered checks, by id (sorted)."""

    checks: Mapping[str, Check]

    def __iter__(self) -> Iterator[Check]:
        return iter(self.checks[k] for k in sorted(self.checks))

    def __len__(self) -> int:
        return len(self.checks)

    def get(self, check_id: str) -> Check:
        return self.checks[check_id]

    def select(
        self,
        include: Iterable[str] = ("*",),
        exclude: Iterable[str] = (),
        providers: Iterable[str] | None = None,
    ) -> list[Check]:
        """Checks whose id matches an include glob and no exclude glob, in id order."""
        inc, exc = list(include), list(exclude)
        wanted = set(providers) if providers is not None else None
        return [
            c
            for c in self
            if any(fnmatch.fnmatchcase(c.id, p) for p in inc)
            and not any(fnmatch.fnmatchcase(c.id, p) for p in exc)
            and (wanted is None or c.provider in wanted)
        ]


def checks_in(module: ModuleType) -> list[Check]:
    """Every `Check` defined in a module or, for a package, in any of its submodules."""
    found = [v for v in vars(module).values() if isinstance(v, Check)]
    if hasattr(module, "__path__"):
        for info in pkgutil.walk_packages(module.__path__, prefix=module.__name__ + "."):
            sub = importlib.import_module(info.name)
            found.extend(v for v in vars(sub).values() if isinstance(v, Check))
    unique = {id(c): c for c in found}  # a package may re-export its submodules' checks
    return list(unique.values())


def discover(eps: Iterable[EntryPoint] | None = None) -> Registry:
    """Load every check registered under the `evidence.checks` entry-point group."""
    points = entry_points(group=ENTRY_POINT_GROUP) if eps is None else eps
    by_id: dict[str, Check] = {}
    for ep in sorted(points, key=lambda e: (e.name, e.value)):
        dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist is not None else "(no distribution)"
        loaded = ep.load()
        items = checks_in(loaded) if isinstance(loaded, ModuleType) else _as_checks(loaded)
        for c in sorted(items, key=lambda c: c.id):
            c = replace(c, origin=f"{dist} ({c.func.__module__})")
            if c.id in by_id:
                raise DuplicateCheckError(
                    f"check id {c.id!r} is defined twice: by {by_id[c.id].origin} "
                    f"and by {c.origin}"
                )
            by_id[c.id] = c
    return Registry(by_id)


def _as_checks(obj: object) -> list[Check]:
    if isinstance(obj, Check):
        return [obj]
    if isinstance(obj, Iterable):
        return [c for c in obj if isinstance(c, Check)]
    raise CheckDefinitionError(f"entry point target {obj!r} is neither a module nor a check")
