"""Local HTTP fakes and proxies used by the tests (loopback only)."""
