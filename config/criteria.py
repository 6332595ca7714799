"""The SOC 2 Trust Services Criteria catalog, shipped as data (`soc2-criteria.yaml`).

The catalog is the single source of criterion ids: checks, config overrides and controls may only
name criteria that are in it. Runs record `Catalog.version` and `Catalog.sha256` so that a later
catalog change never rewrites what an earlier run showed.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal, get_args

import yaml

Category = Literal["security", "availability", "processing_integrity", "confidentiality", "privacy"]
"""A SOC 2 trust services category; `security` (the Common Criteria) is always in scope."""

CATEGORIES: tuple[Category, ...] = get_args(Category)
"""Every category, in the order reports list them."""

EvidenceMode = Literal["automated", "hybrid", "manual"]
"""How far cloud configuration can evidence a criterion (see the data file's header)."""

DATA_FILE = "soc2-criteria.yaml"
_PACKAGE = __name__.rpartition(".")[0]


class UnknownCriterion(ValueError):
    """A criterion id that is not in the catalog."""

    def __init__(self, criterion_id: str, known: Iterable[str]) -> None:
        known = list(known)
        close = difflib.get_close_matches(criterion_id, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        super().__init__(
            f"unknown SOC 2 criterion {criterion_id!r}{hint} "
            f"(the catalog has {len(known)} criteria, {known[0]} to {known[-1]})"
        )
        self.criterion_id = criterion_id


@dataclass(frozen=True)
class Criterion:
    """One SOC 2 criterion, e.g. CC6.1."""

    id: str
    """The AICPA id, e.g. `CC6.1`, `A1.2`, `P8.1`."""
    category: Category
    series: str
    """The criterion's series, e.g. `CC6`."""
    group: str
    """The series' name, e.g. `Logical and Physical Access Controls`."""
    title: str
    """A short paraphrase written for this project (not the copyrighted AICPA text)."""
    evidence_mode: EvidenceMode


@dataclass(frozen=True)
class Catalog:
    """The criteria in catalog order, with lookups by id and category."""

    version: str
    """The data file's `version`, recorded with every run."""
    criteria: tuple[Criterion, ...]
    sha256: str
    """sha256 (hex) of the data file's bytes, recorded with every run."""
    _by_id: dict[str, Criterion] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = {criterion.id: criterion for criterion in self.criteria}
        if len(by_id) != len(self.criteria):
            raise ValueError("SOC 2 catalog: duplicate criterion ids")
        object.__setattr__(self, "_by_id", by_id)

    def get(self, criterion_id: str) -> Criterion:
        """The criterion with this id; `UnknownCriterion` when there is none."""
        try:
            return self._by_id[criterion_id]
        except KeyError:
            raise UnknownCriterion(criterion_id, self._by_id) from None

    def __contains__(self, criterion_id: object) -> bool:
        return criterion_id in self._by_id

    def __iter__(self) -> Iterator[Criterion]:
        return iter(self.criteria)

    def __len__(self) -> int:
        return len(self.criteria)

    def ids(self) -> tuple[str, ...]:
        """Every criterion id, in catalog order."""
        return tuple(self._by_id)

    def by_category(self, category: str) -> tuple[Criterion, ...]:
        """The criteria of one category; `ValueError` for an unknown category."""
        _check_category(category)
        return tuple(c for c in self.criteria if c.category == category)

    def in_scope(self, categories: Iterable[str]) -> tuple[Criterion, ...]:
        """The criteria of `categories` plus security (always in scope), in catalog order."""
        wanted = {"security", *categories}
        for category in wanted:
            _check_category(category)
        return tuple(c for c in self.criteria if c.category in wanted)

    def out_of_scope(self, categories: Iterable[str]) -> tuple[Criterion, ...]:
        """The criteria that `in_scope(categories)` leaves out: reported as out of scope."""
        inside = {c.id for c in self.in_scope(categories)}
        return tuple(c for c in self.criteria if c.id not in inside)


def _check_category(category: str) -> None:
    if category not in CATEGORIES:
        raise ValueError(f"unknown SOC 2 category {category!r} (one of: {', '.join(CATEGORIES)})")


_FAST_LOADER: type[Any] | None = getattr(yaml, "CSafeLoader", None)
"""libyaml's parser with the safe constructor, when PyYAML was built with it."""


def _load_yaml(data: bytes) -> Any:
    """``yaml.safe_load(data)``, through libyaml when available (several times faster: the
    catalog is read by every report). Errors are worded by the pure-Python parser, as always."""
    if _FAST_LOADER is not None:
        try:
            return yaml.load(data, Loader=_FAST_LOADER)  # a safe loader
        except yaml.YAMLError:
            pass
    return yaml.safe_load(data)


def parse_catalog(data: bytes) -> Catalog:
    """Build a catalog from the bytes of a criteria file; `ValueError` when it is malformed."""
    try:
        document = _load_yaml(data)
    except yaml.YAMLError as error:
        raise ValueError(f"SOC 2 catalog: not YAML ({error})") from None
    try:
        criteria = tuple(
            Criterion(
                id=str(item["id"]),
                category=item["category"],
                series=str(item["series"]),
                group=str(item["group"]),
                title=str(item["title"]),
                evidence_mode=item["evidence_mode"],
            )
            for item in document["criteria"]
        )
        version = str(document["version"])
        expected_count = int(document["criteria_count"])
    except (KeyError, TypeError) as error:
        raise ValueError(f"SOC 2 catalog: malformed data ({error!r})") from None
    for criterion in criteria:
        _check_category(criterion.category)
        if criterion.evidence_mode not in get_args(EvidenceMode):
            raise ValueError(f"SOC 2 catalog: {criterion.id}: bad evidence_mode")
    if len(criteria) != expected_count:
        raise ValueError(f"SOC 2 catalog: {len(criteria)} criteria, header says {expected_count}")
    return Catalog(version=version, criteria=criteria, sha256=hashlib.sha256(data).hexdigest())


@cache
def load_catalog() -> Catalog:
    """The catalog shipped with this package (read once; works from a wheel or a zip)."""
    return parse_catalog(resources.files(_PACKAGE).joinpath(DATA_FILE).read_bytes())
