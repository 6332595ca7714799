"""Manual evidence: files attached to a SOC 2 criterion (policies, training records, DR tests).

The file's bytes are stored once as a content-addressed blob (kind ``attachment``); the
``attachments`` row records which criterion it evidences, its title, who attached it and when,
and until when it is valid. Rows are never updated or deleted: a new version of a document is a
new attachment (the older one stays, and reports show both).

Each attachment, and each revocation of one, is also a ledger entry (``storage.ledger``, kinds
``attachment`` and ``attachment_revoked``) written in the same transaction: the ledger is the
record, and the ``attachments`` table an index of it. Every read checks the rows against the
ledger first, so an edited title, criterion or expiry, or a deleted row, stops the reader with
``LedgerTampered`` naming the attachment.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from storage.blobs import blob_row, insert_ignore, read_blob
from storage.canonical import format_utc
from storage.db import read_tx, write_tx
from storage.errors import BlobNotFound, LedgerTampered, StorageError
from storage.ledger import append, walk
from storage.models import Attachment, Blob, table_of
from storage.records import to_utc
from storage.timestamps import parse_timestamp

KIND_ATTACHMENT = "attachment"


@dataclass(frozen=True)
class AttachmentRecord:
    """One attached document, as stored."""

    attachment_id: int
    """Sequential id given by the database (1, 2, ...)."""
    criterion_id: str
    """The SOC 2 criterion it evidences, e.g. ``CC1.1``."""
    title: str
    """What the document is, as the user described it."""
    filename: str
    """The file's base name when attached."""
    sha256: str
    """sha256 of the file's bytes (the blob holding them)."""
    size: int
    """Size of the file in bytes."""
    attached_by: str
    """Who attached it (``$EVIDENCE_ACTOR``, else the OS user)."""
    attached_at: datetime
    """When it was attached (UTC)."""
    valid_until: date | None
    """Last day it is valid (inclusive); ``None``: it does not expire."""
    revoked_at: datetime | None = None
    """When it was revoked (``evidence attach --revoke``), ``None`` if it was not."""
    revoked_by: str | None = None
    """Who revoked it."""
    revoke_reason: str | None = None
    """Why it was revoked."""

    def __post_init__(self) -> None:
        """Normalise ``attached_at`` to UTC."""
        object.__setattr__(self, "attached_at", to_utc(self.attached_at))

    def expired(self, on: date) -> bool:
        """Whether the document is no longer valid on day ``on`` (past its expiry, or revoked
        on or before that day)."""
        if self.revoked_at is not None and self.revoked_at.date() <= on:
            return True
        return self.valid_until is not None and self.valid_until < on


def parse_utc(text: str) -> datetime:
    """An aware datetime from :func:`storage.canonical.format_utc` text."""
    return parse_timestamp(text)


KIND_ATTACHED = "attachment"
KIND_REVOKED = "attachment_revoked"


def attachment_body(row: Any) -> dict[str, Any]:
    """The ledger body of an attachment row (or record): every field, as JSON."""
    return {
        "attachment_id": int(row.attachment_id),
        "criterion_id": row.criterion_id,
        "title": row.title,
        "filename": row.filename,
        "sha256": row.sha256,
        "size": int(row.size),
        "attached_by": row.attached_by,
        "attached_at": format_utc(to_utc(row.attached_at)),
        "valid_until": None if row.valid_until is None else row.valid_until.isoformat(),
    }


def verified(conn: Connection, rows: list[Any], complete: bool) -> list[AttachmentRecord]:
    """Records of ``rows`` checked against the ledger, with their revocations; ``complete``:
    ``rows`` are the whole table, so a ledger entry without a row means a deleted row."""
    entries = walk(conn)
    chained = {int(e.body["attachment_id"]): e.body for e in entries if e.kind == KIND_ATTACHED}
    revoked = {int(e.body["attachment_id"]): e.body for e in entries if e.kind == KIND_REVOKED}
    out = []
    for row in rows:
        body = chained.pop(int(row.attachment_id), None)
        if body is None:
            raise LedgerTampered(f"attachment {row.attachment_id} is not in the ledger: it was "
                                 "added to the table directly")
        if attachment_body(row) != body:
            changed = sorted(k for k, v in attachment_body(row).items() if body.get(k) != v)
            raise LedgerTampered(f"attachment {row.attachment_id} no longer matches its ledger "
                                 f"entry (changed: {', '.join(changed)})")
        rev = revoked.get(int(row.attachment_id))
        record = _record(row)
        if rev is not None:
            record = replace(record, revoked_at=parse_utc(rev["revoked_at"]),
                             revoked_by=rev["revoked_by"], revoke_reason=rev["reason"])
        out.append(record)
    if complete and chained:
        raise LedgerTampered(f"attachment {min(chained)} was deleted from the attachments table")
    return out


def _record(row: Any) -> AttachmentRecord:
    return AttachmentRecord(
        attachment_id=int(row.attachment_id),
        criterion_id=row.criterion_id,
        title=row.title,
        filename=row.filename,
        sha256=row.sha256,
        size=int(row.size),
        attached_by=row.attached_by,
        attached_at=row.attached_at,
        valid_until=row.valid_until,
    )


class AttachmentStore:
    """Repository methods for manual evidence (mixed into ``Repository``)."""

    _engine: Engine

    def add_attachment(
        self,
        *,
        criterion_id: str,
        title: str,
        filename: str,
        data: bytes,
        attached_by: str,
        attached_at: datetime,
        valid_until: date | None = None,
    ) -> AttachmentRecord:
        """Store a file's bytes (once) and a new attachment row in one transaction."""
        if not title.strip():
            raise StorageError("an attachment needs a non-empty title")
        blob = blob_row(KIND_ATTACHMENT, bytes(data))
        at = to_utc(attached_at)
        with write_tx(self._engine, f"attaching {filename} to {criterion_id}") as conn:
            insert_ignore(conn, table_of(Blob), [blob])
            new_id = conn.execute(
                insert(table_of(Attachment))
                .values(
                    criterion_id=criterion_id,
                    title=title,
                    filename=filename,
                    sha256=blob["sha256"],
                    size=len(data),
                    attached_by=attached_by,
                    attached_at=at,
                    valid_until=valid_until,
                )
                .returning(Attachment.attachment_id)
            ).scalar_one()
            record = AttachmentRecord(
                int(new_id), criterion_id, title, filename, str(blob["sha256"]), len(data),
                attached_by, at, valid_until,
            )
            append(conn, KIND_ATTACHED, attachment_body(record), at)
        return record

    def revoke_attachment(self, attachment_id: int, *, reason: str, revoked_by: str,
                          revoked_at: datetime) -> AttachmentRecord:
        """Record that an attachment is no longer valid from ``revoked_at`` (a ledger entry;
        the attachment itself stays, marked revoked)."""
        if not reason.strip():
            raise StorageError("a revocation needs a reason")
        at = to_utc(revoked_at)
        with write_tx(self._engine, f"revoking attachment {attachment_id}") as conn:
            row = conn.execute(select(table_of(Attachment))
                               .where(Attachment.attachment_id == attachment_id)).one_or_none()
            if row is None:
                raise StorageError(f"no attachment {attachment_id} in the evidence database")
            record = verified(conn, [row], complete=False)[0]
            if record.revoked_at is not None:
                raise StorageError(f"attachment {attachment_id} was already revoked on "
                                   f"{format_utc(record.revoked_at)}")
            append(conn, KIND_REVOKED, {"attachment_id": attachment_id, "reason": reason,
                                        "revoked_by": revoked_by,
                                        "revoked_at": format_utc(at)}, at)
        return replace(record, revoked_at=at, revoked_by=revoked_by, revoke_reason=reason)

    def list_attachments(self, criterion_id: str | None = None) -> list[AttachmentRecord]:
        """Every attachment (or one criterion's), oldest first, with its revocation, after
        checking the table against the ledger (LedgerTampered naming the attachment)."""
        query = select(table_of(Attachment)).order_by(Attachment.attachment_id)
        with read_tx(self._engine, "listing attachments") as conn:
            records = verified(conn, list(conn.execute(query)), complete=True)
        return [r for r in records if criterion_id is None or r.criterion_id == criterion_id]

    def attachment_bytes(self, attachment_id: int) -> bytes:
        """The attached file's bytes, checked against their sha256."""
        with read_tx(self._engine, "reading an attachment") as conn:
            sha = conn.execute(
                select(Attachment.sha256).where(Attachment.attachment_id == attachment_id)
            ).scalar_one_or_none()
            if sha is None:
                raise StorageError(f"no attachment {attachment_id} in the evidence database")
            data = read_blob(conn, sha)
        if data is None:
            raise BlobNotFound(f"the file of attachment {attachment_id} (blob {sha}) is missing")
        return data
