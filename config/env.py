"""`EVIDENCE_*` environment variables that override settings of the config file.

- `EVIDENCE_<KEY>` sets a top-level key; `EVIDENCE_<SECTION>__<KEY>` (double underscore between
  levels, any depth) a nested one: `EVIDENCE_AWS__MAX_WORKERS=4`,
  `EVIDENCE_AWS__REGIONS="[us-east-1, eu-west-1]"`,
  `EVIDENCE_CHECKS__PARAMS__AWS_CLOUDWATCH_LOG_GROUP_RETENTION__MIN_DAYS=400`.
- Values of plain-text settings (URLs, paths, the cron schedule, names) are taken verbatim;
  `""`, `null` or `~` unset an optional one. Other values are YAML (numbers, true/false, flow
  lists and mappings). Lists are set whole, never one item.
- `EVIDENCE_DB_URL` (the CLI contract's name) is an alias of `EVIDENCE_DATABASE_URL`.
- A variable that names no setting is an error, so that a typo never goes unnoticed, except
  those in `IGNORED`, those starting with one of `IGNORED_PREFIXES`, those the file names as
  holding a secret (`notify[*].*_env`), and Kubernetes service
  links (`EVIDENCE_DB_SERVICE_HOST`, `EVIDENCE_DB_PORT_5432_TCP`, ... injected for a Service
  named `evidence-db`).
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from config.errors import ConfigError, describe
from config.schema import allows_none, child, fields_at, format_key, is_text
from config.settings import Settings
from config.yamlfile import parse_yaml

PREFIX = "EVIDENCE_"
IGNORED = frozenset({"EVIDENCE_CONFIG", "EVIDENCE_ACTOR", "EVIDENCE_LOG_FORMAT",
                     "EVIDENCE_LOG_LEVEL", "EVIDENCE_LOCK_WAIT", "EVIDENCE_STOP_GRACE",
                     "EVIDENCE_COLLECTION_ID", "EVIDENCE_REDACTION_KEY"})
"""Variables of the `EVIDENCE_` family that are not settings (the CLI reads them itself)."""
IGNORED_PREFIXES = ("EVIDENCE_TEST_",)
"""Prefixes reserved for other uses (the test suite's switches)."""
ALIASES = {"EVIDENCE_DB_URL": "EVIDENCE_DATABASE_URL"}
"""Short names from the CLI contract, and the variable each stands for."""

_SERVICE_LINK = re.compile(
    r"EVIDENCE(?:_[A-Z0-9_]+?)?_(?:SERVICE_HOST|SERVICE_PORT(?:_[A-Z0-9_]+)?"
    r"|PORT(?:_\d+_(?:TCP|UDP|SCTP)(?:_(?:PROTO|PORT|ADDR))?)?)"
)


@dataclass(frozen=True)
class Override:
    """One setting changed by an environment variable."""

    variable: str
    path: tuple[str, ...]
    value: object


def _ignored(name: str) -> bool:
    if name in IGNORED or name.startswith(IGNORED_PREFIXES):
        return True
    return "__" not in name and _SERVICE_LINK.fullmatch(name) is not None


def _target(variable: str) -> tuple[tuple[str, ...], Any]:
    """The key path a variable names and its annotation; `ConfigError` when it names none."""
    path = tuple(variable.removeprefix(PREFIX).lower().split("__"))
    annotation: Any = Settings
    for depth, segment in enumerate(path):
        where = format_key(path[:depth]) or "the top level"
        if not segment:
            raise ConfigError(variable, None, detail="empty key between '__' separators")
        try:
            found = child(annotation, segment)
        except LookupError:
            whole = PREFIX + "__".join(path[:depth]).upper()
            detail = f"{where} is a list: set it whole, e.g. {whole}='[a, b]'"
            raise ConfigError(variable, None, detail=detail) from None
        except TypeError:
            raise ConfigError(variable, None, detail=f"{where} has no keys below it") from None
        if found is None:
            allowed = fields_at(path[:depth])
            hint = _separator_hint(path[:depth], segment, allowed)
            detail = f"names no setting: {format_key(path)} is not one of {', '.join(allowed)}"
            raise ConfigError(variable, None, detail=detail + hint)
        annotation = found
    return path, annotation


def _separator_hint(parent: tuple[str, ...], segment: str, allowed: tuple[str, ...]) -> str:
    head, _, rest = segment.partition("_")
    if head in allowed and rest:
        spelled = "__".join((*parent, head, rest)).upper()
        return f"; levels are separated by '__': {PREFIX}{spelled}?"
    close = difflib.get_close_matches(segment, allowed, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _value(variable: str, text: str, annotation: Any) -> object:
    if allows_none(annotation) and text.strip() in ("", "null", "~"):
        return None
    if is_text(annotation):
        return text
    return parse_yaml(text, variable)


def secret_variables(document: Mapping[str, Any] | None) -> frozenset[str]:
    """Variables the file names as holding secrets (`notify[*].url_env`, `secret_env`,
    `password_env`): they are read by name, so they are not settings even when they start
    with `EVIDENCE_` (e.g. `EVIDENCE_HOOK_SECRET`)."""
    targets = (document or {}).get("notify") if isinstance(document, Mapping) else None
    if not isinstance(targets, list):
        return frozenset()
    return frozenset(str(v) for t in targets if isinstance(t, Mapping)
                     for k, v in t.items() if str(k).endswith("_env") and isinstance(v, str))


def overrides_from(env: Mapping[str, str], secrets: frozenset[str] = frozenset()
                   ) -> list[Override]:
    """The overrides `env` asks for, outer keys first; `ConfigError` for a bad variable.
    `secrets` are variables the configuration reads by name (see `secret_variables`)."""
    names = {name: name for name in env if name.startswith(PREFIX) and not _ignored(name)
             and name not in secrets}
    for alias, name in ALIASES.items():
        if alias in names:
            if name in names and env[name] != env[alias]:
                detail = f"conflicts with {name} (set only one of them)"
                raise ConfigError(alias, None, detail=detail)
            names.pop(name, None)
            names[alias] = name
    found = []
    for variable, canonical in names.items():
        path, annotation = _target(canonical)
        found.append(Override(variable, path, _value(variable, env[variable], annotation)))
    return sorted(found, key=lambda o: (len(o.path), o.variable))


def apply_overrides(
    document: Mapping[str, Any], overrides: list[Override], file: str
) -> dict[str, Any]:
    """A copy of the file's `document` with `overrides` applied.

    A missing or null section on the way is created; a section that is not a mapping in the
    file is an error naming the file.
    """
    result: dict[str, Any] = copy.deepcopy(dict(document))
    for override in overrides:
        node = result
        for depth, segment in enumerate(override.path[:-1]):
            if node.get(segment) is None:
                node[segment] = {}
            if not isinstance(node[segment], dict):
                key = format_key(override.path[: depth + 1])
                got = describe(node[segment])
                detail = f"expected a mapping ({override.variable} sets a key in it), got {got}"
                raise ConfigError(file, key, detail=detail)
            node = node[segment]
        node[override.path[-1]] = override.value
    return result
