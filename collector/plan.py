"""What a run executes: the command line's selection, the checks chosen by it and by the config
(include / exclude), and each check's configured parameters (validated before any request)."""

from __future__ import annotations

from dataclasses import dataclass

from collector.plugin import Check, ParamValue, Registry
from collector.shard import Shard
from config.loader import ConfigError, LoadedConfig


@dataclass(frozen=True)
class Selection:
    """What the user asked for on the command line (narrowing the config)."""

    checks: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    shard: Shard | None = None
    """--shard I/N: only the scopes this shard owns (see collector.shard)."""
    collection_id: str | None = None
    """Recorded on the run; the runs of one collection (the shards of one slot) share it."""


def select_checks(registry: Registry, loaded: LoadedConfig, sel: Selection) -> list[Check]:
    cfg = loaded.settings.checks
    chosen = registry.select(cfg.include, cfg.exclude, sel.providers or None)
    if sel.checks:
        wanted = {c.id for c in registry.select(sel.checks, ())}
        chosen = [c for c in chosen if c.id in wanted]
    validate_params(registry, loaded)
    return chosen


def validate_params(registry: Registry, loaded: LoadedConfig) -> None:
    """`checks.params` must name known checks, known parameters and the right types."""
    for check_id, values in loaded.settings.checks.params.items():
        where = loaded.origin("checks", "params", check_id)
        if check_id not in registry.checks:
            raise ConfigError(where, f"checks.params.{check_id}", "the id of an installed check",
                              got=check_id)
        declared = {p.name: p for p in registry.get(check_id).params}
        for name, value in values.items():
            key = f"checks.params.{check_id}.{name}"
            if name not in declared:
                known = ", ".join(declared) or "none"
                raise ConfigError(where, key, f"a parameter of {check_id} (known: {known})")
            kind = declared[name].kind
            ok = isinstance(value, kind) or (kind is float and isinstance(value, int))
            if kind is tuple:
                ok = isinstance(value, list | tuple)
            if not ok or (kind is int and isinstance(value, bool)):
                raise ConfigError(where, key, f"a value of type {kind.__name__}", got=value)
    for check_id in loaded.settings.checks.criteria:
        if check_id not in registry.checks:
            raise ConfigError(loaded.origin("checks", "criteria", check_id),
                              f"checks.criteria.{check_id}", "the id of an installed check",
                              got=check_id)


def params_for(check: Check, loaded: LoadedConfig) -> dict[str, ParamValue]:
    """The config's values for a check's parameters (lists become tuples)."""
    values: dict[str, ParamValue] = {}
    for name, value in loaded.settings.checks.params.get(check.id, {}).items():
        values[name] = tuple(value) if isinstance(value, list | tuple) else value
    return values
