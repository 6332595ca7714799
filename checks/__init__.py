"""The built-in checks, registered through the `evidence.checks` entry point like any plugin.

One file per check: `checks/<provider>/<service>_<what>.py`.
"""
