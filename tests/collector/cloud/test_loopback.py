"""One test for "this URL is on this machine" (local fakes, emulators): collector.cloud.loopback."""

from __future__ import annotations

import pytest

from collector.cloud.gcp_scopes import is_local_http
from collector.cloud.loopback import is_loopback


@pytest.mark.parametrize("url", ["http://localhost:8080", "https://127.0.0.1:5000/x",
                                 "http://127.8.9.10", "https://[::1]:443/", "http://LOCALHOST"])
def test_loopback_hosts(url: str) -> None:
    assert is_loopback(url)


@pytest.mark.parametrize("url", [None, "", "https://management.azure.com",
                                 "http://10.0.0.1:8080", "http://localhost.example.com",
                                 "http://[2001:db8::1]/", "not a url", "http://0.0.0.0"])
def test_other_hosts(url: str | None) -> None:
    assert not is_loopback(url)


def test_gcp_counts_only_plain_http_on_loopback_as_an_emulator() -> None:
    assert is_local_http("http://127.0.0.1:9000")
    assert not is_local_http("https://127.0.0.1:9000")
    assert not is_local_http("http://asset.example.com")
