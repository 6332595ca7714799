"""Benchmarks that print numbers (not timed tests): `python -m bench.aws --help`."""
