"""Manual evidence in storage: content-addressed, immutable, listed in order."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest

from storage import Repository, StorageError

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def attach(repo: Repository, data: bytes, criterion: str = "CC1.1", **extra: object) -> int:
    fields: dict[str, object] = {"criterion_id": criterion, "title": "Code of conduct",
                                 "filename": "coc.pdf", "data": data, "attached_by": "alice",
                                 "attached_at": AT, **extra}
    return repo.add_attachment(**fields).attachment_id  # type: ignore[arg-type]


def test_attachment_is_stored_with_who_when_and_content_hash(repo: Repository) -> None:
    first = attach(repo, b"%PDF v1", valid_until=date(2026, 12, 31))
    [record] = repo.list_attachments()
    assert record.attachment_id == first and record.criterion_id == "CC1.1"
    assert record.sha256 == hashlib.sha256(b"%PDF v1").hexdigest() and record.size == 7
    assert (record.attached_by, record.attached_at) == ("alice", AT)
    assert record.valid_until == date(2026, 12, 31)
    assert not record.expired(date(2026, 12, 31)) and record.expired(date(2027, 1, 1))
    assert repo.attachment_bytes(first) == b"%PDF v1"
    assert repo.get_blob(record.sha256) == b"%PDF v1"


def test_a_new_version_is_a_new_attachment_and_the_old_one_stays(repo: Repository) -> None:
    one = attach(repo, b"v1")
    two = attach(repo, b"v2", attached_at=AT + timedelta(days=30))
    again = attach(repo, b"v1", criterion="CC1.2")  # same bytes: one blob, two attachments
    rows = repo.list_attachments()
    assert [r.attachment_id for r in rows] == [one, two, again] and one < two < again
    assert rows[0].sha256 == rows[2].sha256 != rows[1].sha256
    assert [r.attachment_id for r in repo.list_attachments("CC1.2")] == [again]
    assert repo.table_counts()["blobs"] == 2 + 3  # two files, three ledger entries


def test_bad_attachments_store_nothing(repo: Repository) -> None:
    with pytest.raises(StorageError, match="title"):
        attach(repo, b"x", title=" ")
    with pytest.raises(ValueError, match="naive"):
        attach(repo, b"x", attached_at=datetime(2026, 1, 1))
    with pytest.raises(StorageError, match="no attachment 7"):
        repo.attachment_bytes(7)
    assert repo.list_attachments() == [] and repo.table_counts()["blobs"] == 0
