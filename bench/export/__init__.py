"""Benchmark: export a year of evidence (``python -m bench.export``, see ``run.py``)."""
