"""AWS for check tests: a moto server over real HTTP, an estate built with boto3, one check run.

Needs the `demo` extra (moto[server]); the pytest fixtures skip, saying so, when it is missing.
Requests are signed with fake credentials (`FAKE_ENV`): a test never reaches a real account.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import boto3

from collector.cloud.aws import AwsAccount
from collector.cloud.aws_wire import client_config
from collector.cloud.base import CallLog, EvidenceSink
from collector.demo.estate import build_aws_estate
from collector.demo.motoserver import MotoServer
from collector.plugin import Check, ParamValue
from collector.testing.run import CheckRun, aws_label, run_check
from collector.testing.sink import MemorySink

__all__ = ["FAKE_ENV", "AwsEstate", "fake_aws_env"]

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
"""The environment every kit AWS session runs in: no real credential, profile or config."""
UNSET_ENV = ("AWS_PROFILE", "AWS_ENDPOINT_URL")


@contextmanager
def fake_aws_env() -> Iterator[None]:
    """Set `FAKE_ENV` (and unset a profile or endpoint override), restoring the old values."""
    saved = {k: os.environ.get(k) for k in [*FAKE_ENV, *UNSET_ENV]}
    os.environ.update(FAKE_ENV)
    for name in UNSET_ENV:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class AwsEstate:
    """One test's AWS: boto3 clients to build the estate, accounts to read it, checks to run."""

    def __init__(self, server: MotoServer) -> None:
        self.server = server
        self.endpoint = server.endpoint

    def client(self, service: str, region: str = "us-east-1") -> Any:
        """A boto3 client of the moto server, to create what the test needs."""
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint)

    def load_demo(self) -> dict[str, int]:
        """Build `evidence demo`'s sample estate (two regions); what was built, by kind."""
        return build_aws_estate(self.endpoint)

    def account(self, sink: EvidenceSink | None = None,
                home_region: str = "us-east-1") -> AwsAccount:
        """The account as a run opens it (connected: its id and partition are known)."""
        account = AwsAccount(boto3.Session(), sink=sink or MemorySink(), home_region=home_region,
                             endpoint_url=self.endpoint, config=client_config(4, "test"))
        account.connect()
        return account

    def run_check(self, check: Check, region: str = "us-east-1",
                  params: Mapping[str, ParamValue] | None = None,
                  account: AwsAccount | None = None) -> CheckRun:
        """Run one check in `region` (once per account for a global check), as the runner
        would; `account` to reuse one (its memo, sink and statistics)."""
        acct = account or self.account()
        return run_check(check, acct.context(aws_label(check, region), CallLog()), params)
