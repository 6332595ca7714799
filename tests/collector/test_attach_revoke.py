"""`evidence attach --revoke ID --reason TEXT` (issue 14 item 2): a revocation is a ledger entry,
`attachments` lists the revoked document flagged, mistakes are one line (exit 2) and store
nothing, and tampering with a revocation is detected (exit 4). SQLite and PostgreSQL."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from storage import Repository, canonical_json
from tests.storage.helpers import T0, sealed_run
from tests.support.cli import CliResult, run_cli

Capsys = pytest.CaptureFixture[str]
Cli = Callable[..., CliResult]


@pytest.fixture
def repo(db_url: str) -> Iterator[Repository]:
    with Repository.open(db_url) as opened:
        yield opened


@pytest.fixture
def cli(db_url: str, tmp_path: Path, capsys: Capsys,
        monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("EVIDENCE_ACTOR", "ciso@example.com")
    config = tmp_path / "evidence.yaml"
    config.write_text("schedule: '0 3 * * *'\n")

    def run(*args: str) -> CliResult:
        return run_cli(capsys, "--config", str(config), "--db", db_url, *args)
    return run


@pytest.fixture
def two(cli: Cli, tmp_path: Path) -> Path:
    doc = tmp_path / "policy.pdf"
    doc.write_bytes(b"%PDF-1.7 policy")
    for title in ("Access policy v1", "Access policy v2"):
        assert cli("attach", "--criterion", "CC6.1", "--title", title, str(doc)).code == 0
    return doc


def listed(cli: Cli) -> list[dict[str, object]]:
    res = cli("attachments", "--format", "json")
    assert res.code == 0, res.err
    return [json.loads(line) for line in res.out.splitlines()]


def one_line(res: CliResult, code: int, *words: str) -> None:
    assert res.code == code, (res.out, res.err)
    assert len(res.err.strip().splitlines()) == 1 and "Traceback" not in res.err, res.err
    for word in words:
        assert word in res.err, res.err


def test_a_revoked_attachment_is_chained_and_listed_flagged(
        cli: Cli, repo: Repository, two: Path) -> None:
    res = cli("attach", "--revoke", "1", "--reason", "superseded by v2")
    assert res.code == 0, res.err
    done = json.loads(res.out)
    assert (done["attachment_id"], done["revoked"], done["revoked_by"], done["revoke_reason"]) == (
        1, True, "ciso@example.com", "superseded by v2")
    first, second = listed(cli)
    assert first["revoked"] is True and first["expired"] is True and first["revoked_at"]
    assert second["revoked"] is False and second["revoked_at"] is None
    kinds = [e.kind for e in repo.ledger_records()]
    assert kinds == ["attachment", "attachment", "attachment_revoked"]
    [entry] = repo.ledger_records(["attachment_revoked"])
    assert entry.body["reason"] == "superseded by v2" and entry.body["attachment_id"] == 1
    table = cli("attachments").out
    assert "REVOKED" in table and "superseded by v2" in table
    assert cli("db", "verify").code == 0


@pytest.mark.parametrize("args, code, words", [
    (("--revoke", "1"), 2, ["--reason TEXT is required"]),
    (("--revoke", "1", "--reason", "  "), 2, ["--reason TEXT is required"]),
    (("--revoke", "9", "--reason", "x"), 2, ["--revoke 9", "no attachment 9"]),
    (("--revoke", "0", "--reason", "x"), 2, ["--revoke"]),
    (("--revoke", "1", "--reason", "x", "--title", "T"), 2, ["--title does not go with"]),
    (("--revoke", "1", "--reason", "x", "FILE"), 2, ["FILE does not go with"]),
    (("--reason", "x", "--criterion", "CC1.1", "--title", "T", "FILE"), 2,
     ["--reason: only with --revoke"]),
    (("--criterion", "CC1.1", "FILE"), 2, ["missing --title"]),
])
def test_mistakes_are_one_line_and_store_nothing(
        cli: Cli, repo: Repository, two: Path, args: tuple[str, ...], code: int,
        words: list[str]) -> None:
    before = len(repo.ledger_records())
    one_line(cli("attach", *[str(two) if a == "FILE" else a for a in args]), code, *words)
    assert len(repo.ledger_records()) == before
    assert not any(a["revoked"] for a in listed(cli))


def test_revoking_twice_is_refused(cli: Cli, two: Path) -> None:
    assert cli("attach", "--revoke", "2", "--reason", "withdrawn").code == 0
    one_line(cli("attach", "--revoke", "2", "--reason", "again"), 2, "already revoked")


def tamper(db_url: str, *statements: str) -> None:
    raw = create_engine(db_url)
    with raw.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))
    raw.dispose()


def test_an_edited_revocation_is_detected(cli: Cli, repo: Repository, db_url: str,
                                          two: Path) -> None:
    assert cli("attach", "--revoke", "1", "--reason", "superseded").code == 0
    [entry] = repo.ledger_records(["attachment_revoked"])
    forged = canonical_json({**entry.body, "reason": "never valid", "revoked_by": "auditor"})
    raw = create_engine(db_url)
    with raw.begin() as conn:  # rewrite the revocation's body in place
        conn.execute(text("UPDATE blobs SET data = :d WHERE sha256 = :s"),
                     {"d": zlib.compress(forged), "s": entry.body_sha256})
    raw.dispose()
    one_line(cli("attachments"), 4, "ledger")
    one_line(cli("db", "verify"), 4, "ledger")


def test_a_revocation_pointed_at_another_attachment_is_detected(
        cli: Cli, repo: Repository, db_url: str, two: Path) -> None:
    assert cli("attach", "--revoke", "1", "--reason", "superseded").code == 0
    [entry] = repo.ledger_records(["attachment_revoked"])
    body = canonical_json({**entry.body, "attachment_id": 2})
    sha = repo.put_blob("ledger", body)  # a well-formed body, stored properly
    tamper(db_url, f"UPDATE ledger SET body_sha256 = '{sha}' WHERE seq = {entry.seq}")
    one_line(cli("attachments", "--format", "json"), 4, f"ledger entry {entry.seq}")
    one_line(cli("db", "verify"), 4, f"ledger entry {entry.seq}")


def test_a_deleted_revocation_is_caught_by_the_next_sealed_run(
        cli: Cli, repo: Repository, db_url: str, two: Path) -> None:
    assert cli("attach", "--revoke", "1", "--reason", "superseded").code == 0
    sealed_run(repo, "after-revocation", at=T0 + timedelta(days=1))
    tamper(db_url, "DELETE FROM ledger WHERE kind = 'attachment_revoked'",
           "UPDATE chain_head SET ledger_seq = 2, ledger_sha256 = "
           "(SELECT sha256 FROM ledger WHERE seq = 2)")
    # the ledger is consistent in itself again, but the run sealed after it recorded entry 3
    one_line(cli("attachments"), 4, "run after-revocation sealed the ledger at entry 3")
    one_line(cli("db", "verify"), 4, "run after-revocation sealed the ledger at entry 3")
