"""The pytest plug-in (entry point `pytest11: evidence`): fixtures for testing checks.

Loaded in every pytest session of an environment where cloud-evidence-collector is installed,
so it must cost nothing and break nothing: it imports only pytest here, and each fixture imports
what it needs when first used. A fixture whose dependencies are missing skips its test and says
which extra to install.

| fixture | scope | what |
|---|---|---|
| `evidence_moto_server` | session | a moto server on 127.0.0.1 (needs the `demo` extra) |
| `evidence_aws` | test | `AwsEstate` on that server, emptied, under fake AWS credentials |
| `evidence_gcp_fake` | session | the local Cloud Asset API |
| `evidence_gcp` | test | `GcpEstate` on that fake, serving no assets until `load` |
| `evidence_azure_fake` | session | the local HTTPS Azure and its CA bundle |
| `evidence_azure` | test | `AzureEstate` on that fake: two empty subscriptions |

Each estate's `run_check(check, …)` returns a `CheckRun` (`.results`, `.by_resource`,
`.statuses`); `collector.testing.run_check(check, ctx)` runs one over any context.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collector.demo.azure_fake import AzureFake
    from collector.demo.gcp_fake import GcpFake
    from collector.demo.motoserver import MotoServer
    from collector.testing.aws import AwsEstate
    from collector.testing.azure import AzureEstate
    from collector.testing.gcp import GcpEstate

DEMO_EXTRA = "pip install 'cloud-evidence-collector[demo]'"


def _missing(what: str, exc: ImportError) -> str:
    return f"evidence test kit: {what} cannot be imported ({exc}); install it: {DEMO_EXTRA}"


@pytest.fixture(scope="session")
def evidence_moto_server() -> Iterator[MotoServer]:
    """A moto server over real HTTP for the session (`reset()` empties it)."""
    try:
        from collector.demo.motoserver import MotoServer

        server = MotoServer()
    except ImportError as exc:
        pytest.skip(_missing("moto server (the `demo` extra)", exc))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def evidence_aws(evidence_moto_server: MotoServer) -> Iterator[AwsEstate]:
    """An empty AWS estate on the session's moto server, under fake credentials."""
    try:
        from collector.testing.aws import AwsEstate, fake_aws_env
    except ImportError as exc:
        pytest.skip(_missing("the AWS test kit", exc))
    evidence_moto_server.reset()
    with fake_aws_env():
        yield AwsEstate(evidence_moto_server)


@pytest.fixture(scope="session")
def evidence_gcp_fake() -> Iterator[GcpFake]:
    """The local Cloud Asset API for the session."""
    try:
        from collector.demo.gcp_fake import GcpFake
        from collector.testing.gcp import GcpEstate  # noqa: F401  (its SDK, before starting)
    except ImportError as exc:
        pytest.skip(_missing("the GCP test kit", exc))
    fake = GcpFake().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def evidence_gcp(evidence_gcp_fake: GcpFake) -> GcpEstate:
    """A GCP estate serving no assets (`load` them, or `load_demo`)."""
    from collector.testing.gcp import GcpEstate

    estate = GcpEstate(evidence_gcp_fake)
    estate.load(())
    return estate


@pytest.fixture(scope="session")
def evidence_azure_fake(tmp_path_factory: pytest.TempPathFactory
                        ) -> Iterator[tuple[AzureFake, str]]:
    """The local HTTPS Azure for the session, and the CA bundle its clients trust."""
    try:
        from collector.testing.azure import served_azure_fake
    except ImportError as exc:
        pytest.skip(_missing("the Azure test kit", exc))
    yield from served_azure_fake(tmp_path_factory.mktemp("evidence-azure"))


@pytest.fixture
def evidence_azure(evidence_azure_fake: tuple[AzureFake, str]) -> AzureEstate:
    """An Azure estate: tenant `TENANT`, subscriptions `SUB_A` and `SUB_B`, both empty."""
    from collector.testing.azure import AzureEstate

    return AzureEstate(*evidence_azure_fake)
