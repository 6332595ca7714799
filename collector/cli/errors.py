"""Exit codes (the CLI contract) and the user-error type."""

EXIT_OK = 0
EXIT_FAILING = 1
"""The run completed with failing checks and `--fail-on fail` was given."""
EXIT_USAGE = 2
"""Usage or configuration error (one line on stderr says which file, key and expectation)."""
EXIT_PARTIAL = 3
"""The run was partial: some scopes or checks errored (their results say why)."""
EXIT_VERIFY = 4
"""`verify` found the bundle altered or unverifiable."""


class UserError(Exception):
    """A mistake in what the user asked for: printed as one line, exit code 2."""
