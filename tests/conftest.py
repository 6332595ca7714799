"""Shared fixtures. The kit (`collector.testing`, loaded as the pytest plug-in `evidence`)
starts the local clouds and runs checks; the names here are the suite's older spellings of it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import hypothesis
import pytest

from collector.cloud.aws import AwsAccount
from collector.demo.motoserver import MotoServer
from collector.model import Result
from collector.plugin import Check, ParamValue
from collector.testing import by_resource
from collector.testing.aws import FAKE_ENV, AwsEstate, fake_aws_env
from tests.support import postgres
from tests.support.browser import skip_reason

__all__ = ["FAKE_ENV", "Moto", "by_resource"]

hypothesis.settings.register_profile("evidence", deadline=None)
hypothesis.settings.load_profile("evidence")
"""No per-example deadline: CI runs on two shared cores, where timing is not what is tested."""

collect_ignore = ["fixtures/kit_plugin"]
"""A plug-in package's own tests: run from a copy outside the tree (tests/collector/testing)."""


@pytest.fixture(scope="session", autouse=True)
def _fake_aws_credentials() -> Iterator[None]:
    """Never let a test reach real AWS credentials or a real profile."""
    with fake_aws_env():
        yield


@pytest.fixture(scope="session")
def moto_server(evidence_moto_server: MotoServer) -> MotoServer:
    """The kit's session moto server (`evidence_moto_server`)."""
    return evidence_moto_server


class Moto(AwsEstate):
    """The kit's `AwsEstate`, whose `run` gives the results as a list."""

    def run(self, check: Check, region: str = "us-east-1",
            params: Mapping[str, ParamValue] | None = None,
            account: AwsAccount | None = None) -> list[Result]:
        """Run one check against the estate, as the runner would, and return its results."""
        return list(self.run_check(check, region, params, account).results)


@pytest.fixture
def moto(moto_server: MotoServer) -> Moto:
    moto_server.reset()
    return Moto(moto_server)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line when the browser tests could not run, saying why (see tests/support/browser),
    and one when the local PostgreSQL had to be started (tests/support/postgres)."""
    why = skip_reason()
    if why is not None:
        terminalreporter.write_line(f"browser tests skipped: {why}")
    for line in postgres.started:
        terminalreporter.write_line(line)
