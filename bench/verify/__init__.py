"""Benchmark: peak memory of `evidence verify` on hostile bundles (``python -m bench.verify``)."""
