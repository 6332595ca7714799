"""Tampering with what an auditor reads, behind the repository's back (issue 14, items 1, 2, 4):
the change index, attachments, the ledger, calls. Each edit is detected by the read path and by
the database verification; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from storage import Repository, ResultSetRecord, canonical_json
from storage.errors import ChainBroken, IndexTampered, LedgerTampered

from .helpers import T0, call, sealed_run

AT = datetime(2026, 3, 1, 9, 0, tzinfo=T0.tzinfo)


def tamper(raw: Engine, sql: str, **params: object) -> None:
    """Run ``sql`` as an attacker with database access would."""
    with raw.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.execute(text(sql), params)


def results_run(repo: Repository, run_id: str, day: int, failing: set[str]) -> str:
    """Seal a run whose one check judges r0..r4, failing those in ``failing``."""
    at = T0 + timedelta(days=day)
    repo.start_run(run_id, started_at=at, tool_version="t", config_hash="c",
                   mapping_sha256="a" * 64, host="h", pid=1)
    digest = repo.put_calls([call(1)])[0]
    results = [{"resource_id": f"r{n}", "status": "fail" if f"r{n}" in failing else "pass",
                "message": "m", "calls": [digest]} for n in range(5)]
    sha = repo.put_blob("result_set", canonical_json({"results": results}))
    n_fail = len(failing)
    repo.add_result_set(run_id, ResultSetRecord("aws_c", "1", "aws", "111", "us-east-1", at, sha,
                                                5 - n_fail, n_fail, 0, 0))
    return repo.finish_run(run_id, status="complete", finished_at=at + timedelta(minutes=1),
                           identities=["id"])


@pytest.fixture
def history(repo: Repository) -> list[str]:
    """Three runs: r1 fails on day 0, r2 also fails on day 1, r1 is fixed on day 2."""
    results_run(repo, "d0", 0, {"r1"})
    results_run(repo, "d1", 1, {"r1", "r2"})
    results_run(repo, "d2", 2, {"r2"})
    return ["d0", "d1", "d2"]


def test_sealing_indexes_the_run_and_the_index_verifies(repo: Repository,
                                                        history: list[str]) -> None:
    grouped = repo.changes_by_set(history)
    key = ("aws_c", "aws", "111", "us-east-1")
    assert sorted(grouped[("d1", key)]) == [("r2", ("fail", "m", "", ""))]
    assert sorted(grouped[("d2", key)]) == [("r1", ("pass", "m", "", ""))]
    assert {k[0] for k in repo.indexed_sets(history)} == {"d0", "d1", "d2"}
    assert repo.verify_chain().ok
    repo.require_intact()


def test_flipping_fail_to_pass_in_the_index_stops_the_readers(
        repo: Repository, raw: Engine, history: list[str]) -> None:
    tamper(raw, "UPDATE result_changes SET status = 'pass' WHERE status = 'fail'")
    with pytest.raises(IndexTampered, match="change index of run d0 no longer matches"):
        repo.changes_by_set(history)
    with pytest.raises(IndexTampered, match="run d0"):
        repo.indexed_sets(history)
    check = repo.verify_chain()
    assert not check.ok and check.reason is not None and "run d0" in check.reason
    with pytest.raises(ChainBroken, match="run d0"):
        repo.require_intact()


@pytest.mark.parametrize("sql", [
    "DELETE FROM result_changes WHERE run_id = 'd1' AND resource_id = 'r2'",
    "DELETE FROM result_changes WHERE run_id = 'd1'",
    "INSERT INTO result_changes VALUES ('d1', 'aws_c', 'aws', '111', 'us-east-1', 'r9', "
    "'fail', 'x', '', '')",
])
def test_deleting_or_adding_index_rows_is_detected(
        repo: Repository, raw: Engine, history: list[str], sql: str) -> None:
    tamper(raw, sql)
    with pytest.raises(IndexTampered, match="run d1"):
        repo.verified_changes(history)
    assert not repo.verify_chain().ok


def test_a_forged_digest_in_the_contents_breaks_the_manifest(
        repo: Repository, raw: Engine, history: list[str]) -> None:
    # the attacker points d1 at another run's contents (another sealed digest)
    tamper(raw, "UPDATE runs SET contents_sha256 = (SELECT contents_sha256 FROM runs "
                "WHERE run_id = 'd2') WHERE run_id = 'd1'")
    with pytest.raises(IndexTampered, match="run d1"):
        repo.changes_by_set(history)


def attach(repo: Repository, title: str = "Policy", **extra: object) -> int:
    fields: dict[str, object] = {"criterion_id": "CC1.1", "title": title, "filename": "p.pdf",
                                 "data": title.encode(), "attached_by": "alice",
                                 "attached_at": AT, "valid_until": date(2026, 12, 31), **extra}
    return repo.add_attachment(**fields).attachment_id  # type: ignore[arg-type]


@pytest.mark.parametrize(("sql", "changed"), [
    ("UPDATE attachments SET title = 'Other' WHERE attachment_id = 1", "title"),
    ("UPDATE attachments SET criterion_id = 'CC9.9' WHERE attachment_id = 1", "criterion_id"),
    ("UPDATE attachments SET valid_until = '2030-01-01' WHERE attachment_id = 1", "valid_until"),
])
def test_editing_an_attachment_is_detected(repo: Repository, raw: Engine, sql: str,
                                           changed: str) -> None:
    attach(repo)
    attach(repo, "Second")
    assert len(repo.list_attachments()) == 2 and repo.verify_chain().ok
    tamper(raw, sql)
    with pytest.raises(LedgerTampered, match=f"attachment 1 .*changed: {changed}"):
        repo.list_attachments()
    check = repo.verify_chain()
    assert not check.ok and check.reason is not None and "attachment 1" in check.reason
    with pytest.raises(ChainBroken, match="attachment 1"):
        repo.require_intact()


def test_deleting_an_attachment_row_is_detected(repo: Repository, raw: Engine) -> None:
    attach(repo)
    attach(repo, "Second")
    tamper(raw, "DELETE FROM attachments WHERE attachment_id = 2")
    with pytest.raises(LedgerTampered, match="attachment 2 was deleted"):
        repo.list_attachments()
    assert not repo.verify_chain().ok


def test_an_attachment_added_behind_the_ledger_is_detected(repo: Repository, raw: Engine) -> None:
    attach(repo)
    tamper(raw, "INSERT INTO attachments (attachment_id, criterion_id, title, filename, sha256, "
                "size, attached_by, attached_at, valid_until) SELECT 7, criterion_id, 'Forged', "
                "filename, sha256, size, attached_by, attached_at, NULL FROM attachments")
    with pytest.raises(LedgerTampered, match="attachment 7 is not in the ledger"):
        repo.list_attachments()


def test_revocation_is_chained_and_makes_the_attachment_invalid(
        repo: Repository, raw: Engine) -> None:
    first = attach(repo)
    revoked = repo.revoke_attachment(first, reason="superseded", revoked_by="bob",
                                     revoked_at=AT + timedelta(days=10))
    assert revoked.revoked_by == "bob" and revoked.expired(date(2026, 3, 11))
    assert not revoked.expired(date(2026, 3, 10))
    [listed] = repo.list_attachments()
    assert (listed.revoked_at, listed.revoke_reason) == (AT + timedelta(days=10), "superseded")
    assert [e.kind for e in repo.ledger_records()] == ["attachment", "attachment_revoked"]
    # deleting the revocation (and rolling the ledger head back) to revive the document
    tamper(raw, "DELETE FROM ledger WHERE seq = 2")
    with pytest.raises(LedgerTampered, match="ledger head is at entry 2"):
        repo.list_attachments()
    tamper(raw, "UPDATE chain_head SET ledger_seq = 1, ledger_sha256 = "
                "(SELECT sha256 FROM ledger WHERE seq = 1)")
    assert repo.list_attachments()[0].revoked_at is None  # consistent again: only a run's
    # seal or an anchor can tell; see test_a_sealed_run_vouches_for_the_ledger


def test_a_sealed_run_vouches_for_the_ledger(repo: Repository, raw: Engine) -> None:
    first = attach(repo)
    repo.revoke_attachment(first, reason="superseded", revoked_by="bob", revoked_at=AT)
    results_run(repo, "after", 70, set())
    assert repo.get_run("after").ledger_seq == 2
    tamper(raw, "DELETE FROM ledger WHERE seq = 2")
    tamper(raw, "UPDATE chain_head SET ledger_seq = 1, ledger_sha256 = "
                "(SELECT sha256 FROM ledger WHERE seq = 1)")
    check = repo.verify_chain()
    assert not check.ok and check.reason is not None
    assert "run after sealed the ledger at entry 2" in check.reason


def test_editing_a_ledger_entry_is_detected(repo: Repository, raw: Engine) -> None:
    attach(repo)
    repo.append_record("accepted_risk", {"id": "R-1", "expires": "2026-12-31"}, AT)
    assert [e.body for e in repo.ledger_records(["accepted_risk"])] == [
        {"id": "R-1", "expires": "2026-12-31"}]
    tamper(raw, "UPDATE ledger SET kind = 'other' WHERE seq = 2")
    with pytest.raises(LedgerTampered, match="ledger entry 2"):
        repo.ledger_records()
    assert not repo.verify_chain().ok


def test_an_edited_call_stops_the_export_check(repo: Repository, raw: Engine) -> None:
    sealed_run(repo, "with-calls")
    repo.require_intact()
    tamper(raw, "UPDATE calls SET http_status = 403")
    with pytest.raises(ChainBroken, match="was altered"):
        repo.require_intact()


@pytest.mark.parametrize("kind, sql, words", [
    ("response", "UPDATE blobs SET data = :junk WHERE sha256 = :sha", "is corrupt"),
    ("response", "DELETE FROM blobs WHERE sha256 = :sha", "is missing"),
    ("result_set", "UPDATE blobs SET data = :junk WHERE sha256 = :sha", "is corrupt"),
    ("result_set", "DELETE FROM blobs WHERE sha256 = :sha", "is missing"),
])
def test_an_edited_or_deleted_evidence_blob_is_named(repo: Repository, raw: Engine, kind: str,
                                                     sql: str, words: str) -> None:
    import zlib

    sealed_run(repo, "first", variant="a")
    sealed_run(repo, "second", at=T0 + timedelta(days=1), variant="b")
    with raw.connect() as conn:
        shas = sorted(conn.execute(text("SELECT sha256 FROM blobs WHERE kind = :k"),
                                   {"k": kind}).scalars())
    victim = shas[len(shas) // 2]
    with raw.begin() as conn:  # foreign keys off, as a database owner can
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        else:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.execute(text(sql), {"sha": victim, "junk": zlib.compress(b'{"forged": true}')})
    check = repo.verify_chain()
    assert not check.ok and check.reason is not None
    what = "the response of call" if kind == "response" else "the result set of aws_check_"
    assert what in check.reason and victim in check.reason and words in check.reason
    with pytest.raises(ChainBroken, match=victim):
        repo.require_intact()
