"""Exit codes (the CLI contract) and the user-error type."""

EXIT_OK = 0
"""Success."""
EXIT_FAILING = 1
"""The run completed with failing checks and `--fail-on fail` was given."""
EXIT_USAGE = 2
"""Usage, configuration or output error (a full disk, an unwritable path): one line on stderr
names the file, the key and what was expected; for `verify`: BUNDLE or `--public-key` is not a
regular file, a key file is over 64 KiB, or the key is not an Ed25519 public key in PEM."""
EXIT_PARTIAL = 3
"""The run was partial: some scopes or checks errored (their `error` results carry the
provider's code). A partial run takes precedence over failing checks (3 before 1)."""
EXIT_VERIFY = 4
"""`verify` found a bundle altered or unverifiable; `export` (or `db verify`) found the
database's chain, ledger or change index altered."""
EXIT_DB_UNAVAILABLE = 5
"""The database became unreachable while the command ran (a PostgreSQL outage, a dropped
connection). Nothing already stored is lost: a run cut off this way is sealed `interrupted`
by the next command that opens the database for writing once it is back (`evidence collect`,
`evidence db upgrade`). Retry when the database is up."""

TAMPER_ERRORS = ("Tampered", "ChainBroken", "IndexTampered")
"""Names of the `storage.errors` types meaning "the stored evidence was altered": exit 4."""


class UserError(Exception):
    """A mistake in what the user asked for: printed as one line, exit code 2."""
