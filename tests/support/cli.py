"""Running the real `evidence` CLI in-process (exit code, stdout, stderr)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from collector.cli import main
from collector.demo.estate import MOTO_UNSERVED


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> CliResult:
    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return CliResult(code, captured.out, captured.err)


def write_config(path: Path, endpoint: str, regions: tuple[str, ...] = ("us-east-1",),
                 **extra: object) -> Path:
    body: dict[str, object] = {"aws": {"regions": list(regions), "endpoint_url": endpoint,
                                       "max_workers": 4},
                               "checks": {"exclude": list(MOTO_UNSERVED)}}
    body.update(extra)
    path.write_text(yaml.safe_dump(body))
    return path
