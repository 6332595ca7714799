"""Output formats: Rich tables for people (tables.py), JSON lines and CSV for scripts."""
