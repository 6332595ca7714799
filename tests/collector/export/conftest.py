"""Fixtures: a small synthetic history, a signing key pair, and bundles exported from them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from collector.export.export import write_bundle
from collector.export.signing import Signer, generate
from collector.export.source import select_period
from config.criteria import load_catalog
from config.settings import Settings
from storage import Repository
from tests.collector.export.history import History, build_history
from tests.storage.conftest import db_url, pg_admin

__all__ = ["db_url", "pg_admin"]

DAYS = 6
START, END = date(2026, 1, 1), date(2026, 1, 6)


@dataclass(frozen=True)
class Estate:
    """A database with a history, and the key pair that signs its bundles."""

    url: str
    history: History
    signer: Signer
    private_key: Path
    public_key: Path


def export_bytes(url: str, signer: Signer | None, start: date = START, end: date = END,
                 criteria: tuple[str, ...] = ()) -> bytes:
    """Export the period through the library API and return the ZIP's bytes."""
    out = io.BytesIO()
    with Repository.open(url) as repo:
        selection = select_period(repo, start, end, criteria)
        write_bundle(repo, load_catalog(), Settings(), selection, out, tool_version="0.1.0",
                     signer=signer)
    return out.getvalue()


@pytest.fixture(scope="session")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Estate]:
    """Six daily runs of 48 resources under 6 checks, with failures appearing and fixed."""
    base = tmp_path_factory.mktemp("estate")
    url = f"sqlite:///{base / 'evidence.db'}"
    with Repository.open(url) as repo:
        history = build_history(repo, days=DAYS, resources=48, checks=6, flips_per_day=3)
    keys = base / "keys"
    keys.mkdir()
    signer = generate(keys / "signing.pem", keys / "public.pem")
    yield Estate(url, history, signer, keys / "signing.pem", keys / "public.pem")


@pytest.fixture(scope="session")
def signed_bundle(estate: Estate) -> bytes:
    """The period's bundle, signed."""
    return export_bytes(estate.url, estate.signer)


@pytest.fixture(scope="session")
def unsigned_bundle(estate: Estate) -> bytes:
    """The period's bundle, unsigned."""
    return export_bytes(estate.url, None)
