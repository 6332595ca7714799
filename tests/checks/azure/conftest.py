"""One HTTPS Azure fake for every Azure check test; a fresh estate per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from collector.demo.azure_fake import AzureFake
from tests.fakes.azure_arm import Az, fake_server


@pytest.fixture(scope="session")
def azure_fake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AzureFake, str]]:
    yield from fake_server(tmp_path_factory.mktemp("azure-fake"))


@pytest.fixture
def az(azure_fake: tuple[AzureFake, str]) -> Az:
    return Az(*azure_fake)
