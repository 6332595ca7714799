"""attachments/: manual evidence attached with `evidence attach`, per criterion.

Included when the repository exposes attachments (``list_attachments`` / ``attachment_bytes``,
see :mod:`storage.attachments`): every document attached on or before the period's last day to
a criterion of the export. Layout::

    attachments/<criterion>/<id>-<file name>   the document's bytes, as attached
    attachments/<criterion>/index.json         title, file, sha256, who attached it and when,
                                               valid until, and whether it was valid at the
                                               period's end
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from collector.export.bundle import BundleWriter
from collector.export.source import Selection
from storage.canonical import format_utc


class Attached(Protocol):
    """What the export reads of an attachment record (storage.attachments.AttachmentRecord)."""

    @property
    def attachment_id(self) -> int: ...
    @property
    def criterion_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def attached_by(self) -> str: ...
    @property
    def attached_at(self) -> datetime: ...
    @property
    def valid_until(self) -> date | None: ...


@runtime_checkable
class AttachmentSource(Protocol):
    """A repository that stores attachments."""

    def list_attachments(self, criterion_id: str | None = None) -> Sequence[Attached]: ...

    def attachment_bytes(self, attachment_id: int) -> bytes: ...


def safe_name(filename: str) -> str:
    """A file name safe in a bundle (letters, digits, ``._-``; never hidden)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename.rsplit("/", 1)[-1]).lstrip("._-")
    return name[:120] or "file"


def member(record: Attached) -> str:
    """Where an attachment's bytes go in the bundle."""
    name = safe_name(record.filename)
    return f"attachments/{record.criterion_id}/{record.attachment_id:06d}-{name}"


def selected(source: object, selection: Selection) -> list[Attached]:
    """The attachments a bundle carries (none when storage has no attachments)."""
    if not isinstance(source, AttachmentSource):
        return []
    wanted = set(selection.criteria)
    return [a for a in source.list_attachments()
            if (not wanted or a.criterion_id in wanted)
            and a.attached_at.date() <= selection.end]


def describe(record: Attached) -> str:
    """One line for people (summary.html)."""
    until = f", valid until {record.valid_until}" if record.valid_until else ""
    return (f"{record.criterion_id}: {record.title} ({record.filename}, attached "
            f"{record.attached_at:%Y-%m-%d} by {record.attached_by}{until}) — {member(record)}")


def write(out: BundleWriter, source: object, records: list[Attached], end: date) -> None:
    """Write attachments/ in name order (documents, then each criterion's index.json)."""
    if not records or not isinstance(source, AttachmentSource):
        return
    by_criterion: dict[str, list[Attached]] = {}
    for rec in records:
        by_criterion.setdefault(rec.criterion_id, []).append(rec)
    for crit in sorted(by_criterion):
        recs = sorted(by_criterion[crit], key=member)
        for rec in recs:
            out.add_bytes(member(rec), source.attachment_bytes(rec.attachment_id))
        index = [{"path": member(r), "attachment_id": r.attachment_id, "title": r.title,
                  "filename": r.filename, "sha256": r.sha256, "size": r.size,
                  "attached_by": r.attached_by, "attached_at": format_utc(r.attached_at),
                  "valid_until": r.valid_until.isoformat() if r.valid_until else None,
                  "valid_at_period_end": r.valid_until is None or r.valid_until >= end}
                 for r in recs]
        out.add_bytes(f"attachments/{crit}/index.json",
                      (json.dumps({"criterion": crit, "attachments": index}, indent=1,
                                  sort_keys=True, ensure_ascii=False) + "\n").encode())
