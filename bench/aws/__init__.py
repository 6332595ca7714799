"""AWS collection benchmark: a built estate, collected against moto and a latency proxy.

`python -m bench.aws` (see run.py for what it measures and prints).
"""
