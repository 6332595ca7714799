"""Exit codes (the CLI contract) and the user-error type."""

EXIT_OK = 0
EXIT_FAILING = 1
"""The run completed with failing checks and `--fail-on fail` was given."""
EXIT_USAGE = 2
"""Usage or configuration error (one line on stderr says which file, key and expectation)."""
EXIT_PARTIAL = 3
"""The run was partial: some scopes or checks errored (their results say why)."""
EXIT_VERIFY = 4
"""`verify` found the bundle altered or unverifiable, or `export` found the database's chain
(or an index checked against it) altered."""
EXIT_DB_UNAVAILABLE = 5
"""The database became unreachable while the command ran (a PostgreSQL outage, a dropped
connection). Nothing already stored is lost: a run cut off this way is sealed `interrupted`
by the next command that opens the database for writing once it is back (`evidence collect`,
`evidence db upgrade`). Retry when the database is up."""

TAMPER_ERRORS = ("Tampered", "ChainBroken", "IndexTampered")
"""Names of the `storage.errors` types meaning "the stored evidence was altered": exit 4."""


class UserError(Exception):
    """A mistake in what the user asked for: printed as one line, exit code 2."""
