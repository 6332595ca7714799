"""Shared fixtures: a moto server over real HTTP and a way to run one check against it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from collector.cloud.aws import AwsAccount
from collector.cloud.aws_wire import client_config
from collector.cloud.base import CallLog
from collector.demo.motoserver import MotoServer
from collector.model import Result
from collector.plugin import Check
from tests.support.browser import skip_reason
from tests.support.memory_sink import MemorySink

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


@pytest.fixture(scope="session", autouse=True)
def _fake_aws_credentials() -> Iterator[None]:
    """Never let a test reach real AWS credentials or a real profile."""
    saved = {k: os.environ.get(k) for k in [*FAKE_ENV, "AWS_PROFILE", "AWS_ENDPOINT_URL"]}
    os.environ.update(FAKE_ENV)
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    server = MotoServer().start()
    yield server
    server.stop()


class Moto:
    """A clean moto estate for one test: boto3 clients to build it, and the request log."""

    def __init__(self, server: MotoServer) -> None:
        self.server = server
        self.endpoint = server.endpoint

    def client(self, service: str, region: str = "us-east-1") -> Any:
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint)

    def account(self, sink: MemorySink | None = None, home_region: str = "us-east-1") -> AwsAccount:
        account = AwsAccount(
            boto3.Session(),
            sink=sink or MemorySink(),
            home_region=home_region,
            endpoint_url=self.endpoint,
            config=client_config(4, "test"),
        )
        account.connect()
        return account

    def run(
        self,
        check: Check,
        region: str = "us-east-1",
        params: dict[str, Any] | None = None,
        account: AwsAccount | None = None,
    ) -> list[Result]:
        """Run one check against the estate, as the runner would, and return its results."""
        acct = account or self.account()
        label = "global" if check.scoping == "global" else region
        return list(check.run(acct.context(label, CallLog()), params))


@pytest.fixture
def moto(moto_server: MotoServer) -> Moto:
    moto_server.reset()
    return Moto(moto_server)


def by_resource(results: list[Result]) -> dict[str, Result]:
    """Results keyed by resource id (asserting each resource has one result)."""
    out = {r.resource_id: r for r in results}
    assert len(out) == len(results), f"duplicate resource ids in {results}"
    return out


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line when the browser tests could not run, saying why (see tests/support/browser)."""
    why = skip_reason()
    if why is not None:
        terminalreporter.write_line(f"browser tests skipped: {why}")
