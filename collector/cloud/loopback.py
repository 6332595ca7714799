"""Whether a URL points at this machine: the one test for "a local fake or emulator" endpoints."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback(url: str | None) -> bool:
    """True when `url`'s host is `localhost` or a loopback address (127.0.0.0/8, ::1)."""
    if not url:
        return False
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
