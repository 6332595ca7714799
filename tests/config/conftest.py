"""Helpers for the config tests: write a config file, load it, get the one-line error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from config import ConfigError, LoadedConfig, load_config

Load = Callable[..., LoadedConfig]
Fail = Callable[..., str]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in an empty directory, so `./evidence.yaml` is whatever the test writes."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def load(in_tmp: Path) -> Load:
    """Write `text` to ./evidence.yaml (unless None) and load it with only `env`."""

    def run(text: str | None, env: Mapping[str, str] | None = None) -> LoadedConfig:
        if text is not None:
            (in_tmp / "evidence.yaml").write_text(text)
        return load_config(env=dict(env or {}))

    return run


@pytest.fixture
def fail(load: Load) -> Fail:
    """Like `load`, but the load must fail: returns the error's message (checked: one line)."""

    def run(text: str | None, env: Mapping[str, str] | None = None) -> str:
        with pytest.raises(ConfigError) as caught:
            load(text, env)
        message = str(caught.value)
        assert "\n" not in message and "Traceback" not in message
        return message

    return run
