"""Anchoring the hash chain outside the database (issue 14).

After each sealed run a *checkpoint* - the chain's sequence and head hash at a time, signed with
the configured ``signing_key`` when there is one - is published to the configured anchors
(:mod:`collector.anchor.publish`): an append-only local file, an S3 bucket under Object Lock,
and always a structured log line. Someone with write access to the database can rewrite the
chain consistently, but not the checkpoints already held elsewhere:
:func:`collector.anchor.check.verify_database` finds a database that no longer extends them
(newest runs deleted, chain rolled back or rewritten), and
:func:`collector.anchor.consistency.extends` proves that a bundle's chain extends an earlier
checkpoint, as Certificate Transparency's consistency proofs do.

This package's ``__init__`` imports nothing: :mod:`collector.anchor.consistency` and
:mod:`collector.anchor.checkpoint` stay importable without the database or the cloud SDKs.
"""
