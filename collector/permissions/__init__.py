"""Least-privilege documents generated from what the selected checks declare.

One module per provider (aws.py, …), each with `render(checks) -> str`.
"""
