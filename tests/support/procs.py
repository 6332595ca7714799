"""Running `evidence` as a real process (signals, concurrency) with a slow test check."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.support.plugins import FIXTURES, install_dist_info


def slow_env(tmp_path: Path, config: Path, db_url: str) -> dict[str, str]:
    """Environment for a subprocess that sees the `aws_test_slow` check, the config and db."""
    site = tmp_path / "site"
    if not site.exists():
        install_dist_info(site, "slow-checks", {"slow": "slow_checks"})
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(FIXTURES)]),
            "EVIDENCE_CONFIG": str(config), "EVIDENCE_DB_URL": db_url}


def write_slow_config(path: Path, endpoint: str, seconds: float, *, workers: int = 4,
                      **extra: object) -> Path:
    """A config against moto where `aws_test_slow` sleeps `seconds`."""
    body: dict[str, object] = {
        "aws": {"regions": ["us-east-1"], "endpoint_url": endpoint, "max_workers": workers},
        "checks": {"params": {"aws_test_slow": {"seconds": seconds}}},
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}  # type: ignore[dict-item]
        else:
            body[key] = value
    path.write_text(yaml.safe_dump(body))
    return path


def evidence(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """`python -m collector ARGS` with JSON logs on stderr."""
    return subprocess.Popen([sys.executable, "-m", "collector", "--log-format", "json", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` every 0.1 s; AssertionError naming `what` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
