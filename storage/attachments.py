"""Manual evidence: files attached to a SOC 2 criterion (policies, training records, DR tests).

The file's bytes are stored once as a content-addressed blob (kind ``attachment``); the
``attachments`` row records which criterion it evidences, its title, who attached it and when,
and until when it is valid. Rows are never updated or deleted: a new version of a document is a
new attachment (the older one stays, and reports show both).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, insert, select

from storage.blobs import blob_row, insert_ignore, read_blob
from storage.db import read_tx, write_tx
from storage.errors import BlobNotFound, StorageError
from storage.models import Attachment, Blob, table_of
from storage.records import to_utc

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

    def __post_init__(self) -> None:
        """Normalise ``attached_at`` to UTC."""
        object.__setattr__(self, "attached_at", to_utc(self.attached_at))

    def expired(self, on: date) -> bool:
        """Whether the document is no longer valid on day ``on``."""
        return self.valid_until is not None and self.valid_until < on


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
        return AttachmentRecord(
            int(new_id), criterion_id, title, filename, str(blob["sha256"]), len(data),
            attached_by, at, valid_until,
        )

    def list_attachments(self, criterion_id: str | None = None) -> list[AttachmentRecord]:
        """Every attachment (or one criterion's), oldest first."""
        query = select(table_of(Attachment)).order_by(Attachment.attachment_id)
        if criterion_id is not None:
            query = query.where(Attachment.criterion_id == criterion_id)
        with read_tx(self._engine, "listing attachments") as conn:
            return [_record(row) for row in conn.execute(query)]

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
