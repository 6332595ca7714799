"""Errors raised by the storage layer.

Every message is one line, readable by a user at a terminal, and never contains a password.
Transport errors from SQLAlchemy and the database driver are translated into these.
"""

from __future__ import annotations


class StorageError(Exception):
    """The evidence database could not do what was asked; the message says why, in one line."""


class RunNotFound(StorageError):
    """No run has the requested id (or there is no run at all, for ``latest``)."""


class RunStateError(StorageError):
    """The run exists but is in the wrong state for the operation (e.g. it is already sealed)."""


class BlobNotFound(StorageError):
    """No blob is stored under the requested sha256."""


class CallNotFound(StorageError):
    """No call record is stored under the requested digest."""


class Tampered(StorageError):
    """Stored evidence no longer matches what was sealed: a later edit or deletion."""


class ChainBroken(Tampered):
    """The run hash chain (or a record chained into it) does not hold; the message names the
    first run or record that does not."""


class IndexTampered(Tampered):
    """The change index of a run no longer hashes to the digest sealed with the run."""


class LedgerTampered(ChainBroken):
    """An entry of the ledger, or a table verified against it (attachments), was altered or
    deleted."""


class AnchorMismatch(ChainBroken):
    """The database does not extend a checkpoint kept outside it: its newest runs were removed
    or the chain was rolled back or rewritten."""
