"""Loading the configuration: file (or defaults), then `EVIDENCE_*` overrides, then validation.

Which file: an explicit `path` argument (the CLI's `--config`), else `$EVIDENCE_CONFIG`, else
`./evidence.yaml`. A file that was named but does not exist is an error; a missing default
file means "all defaults" (plus overrides).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from config.env import apply_overrides, overrides_from, secret_variables
from config.errors import ConfigError, describe, from_validation_error
from config.settings import Settings
from config.yamlfile import parse_yaml

__all__ = ["ConfigError", "LoadedConfig", "config_hash", "load_config"]

DEFAULT_PATH = Path("evidence.yaml")
CONFIG_VARIABLE = "EVIDENCE_CONFIG"


@dataclass(frozen=True)
class LoadedConfig:
    """Validated settings and where they came from, as a run records them."""

    settings: Settings
    source: Path | None
    """The config file as it was named (argument, $EVIDENCE_CONFIG or `evidence.yaml`), or
    None when there was no file and defaults apply."""
    config_hash: str
    """sha256 (hex) of the canonical JSON of the settings: equal for equal meaning."""
    env_overrides: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Each `EVIDENCE_*` variable that changed a setting, and the key path it set."""

    def origin(self, *path: str) -> str:
        """Who set the setting at `path`, for error messages: the environment variable, or the
        file (`evidence.yaml` when there is none)."""
        best: tuple[int, str] | None = None
        for variable, prefix in self.env_overrides.items():
            if path[: len(prefix)] == prefix and (best is None or len(prefix) > best[0]):
                best = (len(prefix), variable)
        if best is not None:
            return best[1]
        return str(self.source) if self.source is not None else str(DEFAULT_PATH)


def config_hash(settings: Settings) -> str:
    """sha256 (hex) of `settings` as canonical JSON (sorted keys, no whitespace).

    `database_url` is left out: it says where evidence is stored, not what is collected, and
    it may carry a password.
    """
    canonical = json.dumps(
        settings.model_dump(mode="json", exclude={"database_url"}), sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _choose(path: Path | None, env: Mapping[str, str]) -> tuple[Path, str | None]:
    """The file to read, and who named it (None: it is the default)."""
    if path is not None:
        return path, "given"
    if env.get(CONFIG_VARIABLE):
        return Path(env[CONFIG_VARIABLE]), CONFIG_VARIABLE
    return DEFAULT_PATH, None


def _read(path: Path, named_by: str | None) -> dict[str, Any] | None:
    """The file's top-level mapping; None when the default file is absent."""
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if named_by is None:
            return None
        via = f" (named by {named_by})" if named_by == CONFIG_VARIABLE else ""
        raise ConfigError(name, None, detail=f"file not found{via}") from None
    except IsADirectoryError:
        raise ConfigError(name, None, detail="is a directory, not a YAML file") from None
    except OSError as error:
        raise ConfigError(name, None, detail=f"cannot read: {error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError(name, None, detail=f"not UTF-8 text (byte {error.start})") from None
    document = parse_yaml(text, name)
    if document is None:  # an empty file, or only comments
        return {}
    if not isinstance(document, dict):
        detail = f"expected a mapping of settings at the top level, got {describe(document)}"
        raise ConfigError(name, None, detail=detail)
    return document


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> LoadedConfig:
    """Read, override and validate the configuration; `ConfigError` (one line) on any problem.

    `env` defaults to `os.environ`.
    """
    env = os.environ if env is None else env
    chosen, named_by = _choose(path, env)
    document = _read(chosen, named_by)
    overrides = overrides_from(env, secret_variables(document))
    merged = apply_overrides(document or {}, overrides, str(chosen))
    try:
        settings = Settings.model_validate(merged)
    except ValidationError as error:
        origins = {o.path: o.variable for o in overrides}
        raise from_validation_error(error, str(chosen), origins) from None
    return LoadedConfig(
        settings=settings,
        source=None if document is None else chosen,
        config_hash=config_hash(settings),
        env_overrides={o.variable: o.path for o in overrides},
    )
