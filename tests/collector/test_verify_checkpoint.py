"""`evidence verify BUNDLE --checkpoint FILE` (issue 14 item 3): a later bundle proves it extends
an earlier checkpoint (a saved checkpoint object or a JSON-lines anchor file), signed checkpoints
are checked with --public-key, a rewritten, rolled-back or truncated chain is exit 4 in one line,
an unusable FILE is exit 2 in one line. Bundles exported from SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from collector.anchor.checkpoint import make
from collector.anchor.publish import checkpoint_now, publish
from collector.export.export import write_bundle
from collector.export.signing import generate, load_private
from collector.export.source import select_period
from config.criteria import load_catalog
from config.settings import Settings
from storage import Repository
from tests.collector.export.history import build_history
from tests.storage.helpers import T0
from tests.support.cli import CliResult, run_cli

Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def repo(db_url: str) -> Iterator[Repository]:
    with Repository.open(db_url) as opened:
        yield opened


@pytest.fixture
def conf(tmp_path: Path) -> Settings:
    generate(tmp_path / "k.pem", tmp_path / "k.pub")
    return Settings.model_validate({"signing_key": str(tmp_path / "k.pem"),
                                    "anchor": {"file": str(tmp_path / "cp.jsonl")}})


def seal_days(repo: Repository, conf: Settings, days: range) -> list[dict[str, Any]]:
    """Daily runs, each followed by its checkpoint, published as the runner does (dated a few
    minutes after the run, so inside the period it belongs to)."""
    out = []
    for n in days:
        at = T0 + timedelta(days=n)
        build_history(repo, days=1, resources=6, checks=2, start=at)
        checkpoint = checkpoint_now(repo, conf, now=at + timedelta(minutes=5))
        assert checkpoint is not None
        repo.put_checkpoint(checkpoint)
        assert publish(conf.anchor, checkpoint) == []
        out.append(checkpoint)
    return out


def export(repo: Repository, conf: Settings, path: Path, first: int, last: int) -> Path:
    start, end = (T0 + timedelta(days=first)).date(), (T0 + timedelta(days=last)).date()
    signer = load_private(Path(str(conf.signing_key)))
    with path.open("wb") as fh:
        write_bundle(repo, load_catalog(), conf, select_period(repo, start, end), fh,
                     tool_version="test", signer=signer)
    return path


def carried(bundle: Path) -> dict[str, Any]:
    with zipfile.ZipFile(bundle) as zf:
        found: dict[str, Any] = json.loads(zf.read("manifest.json"))["checkpoint"]
    return found


def save(path: Path, *checkpoints: dict[str, Any], pretty: bool = False) -> str:
    if pretty:
        [one] = checkpoints
        path.write_text(json.dumps(one, indent=2) + "\n")
    else:
        path.write_text("".join(json.dumps(c) + "\n" for c in checkpoints))
    return str(path)


def verify(capsys: Capsys, bundle: Path, checkpoint: str, *extra: str) -> CliResult:
    return run_cli(capsys, "verify", str(bundle), "--checkpoint", checkpoint, *extra)


def failed(res: CliResult, *words: str) -> None:
    assert res.code == 4, (res.out, res.err)
    assert len(res.err.strip().splitlines()) == 1 and "Traceback" not in res.err, res.err
    assert "verify FAILED: --checkpoint" in res.err
    for word in words:
        assert word in res.err, res.err


def test_a_later_bundle_extends_the_checkpoint_of_an_earlier_one(
        repo: Repository, conf: Settings, tmp_path: Path, capsys: Capsys) -> None:
    seal_days(repo, conf, range(4))
    first_half = export(repo, conf, tmp_path / "h1.zip", 0, 1)
    year = export(repo, conf, tmp_path / "year.zip", 0, 3)
    second_half = export(repo, conf, tmp_path / "h2.zip", 2, 3)
    kept = save(tmp_path / "h1.json", carried(first_half), pretty=True)  # what an auditor keeps
    pub = str(tmp_path / "k.pub")
    for later in (year, second_half):  # the next period links to the earlier head
        res = verify(capsys, later, kept, "--public-key", pub)
        assert res.code == 0, res.err
        assert "extends 1 earlier checkpoint(s) (seq 2)" in res.out
        assert "signature holds" in res.out
    res = verify(capsys, year, kept)
    assert res.code == 0 and "signatures not checked (pass --public-key)" in res.out
    # the reverse is a rollback: the earlier bundle does not extend the later checkpoint
    failed(verify(capsys, first_half, save(tmp_path / "y.json", carried(year))), "rolled back")


def test_the_anchor_file_itself_is_accepted(repo: Repository, conf: Settings, tmp_path: Path,
                                            capsys: Capsys) -> None:
    seal_days(repo, conf, range(4))
    anchor, pub = str(tmp_path / "cp.jsonl"), str(tmp_path / "k.pub")
    res = verify(capsys, export(repo, conf, tmp_path / "year.zip", 0, 3), anchor, "--public-key",
                 pub)
    assert res.code == 0, res.err
    assert "extends 4 earlier checkpoint(s) (seq 1, 2, 3, 4)" in res.out
    res = verify(capsys, export(repo, conf, tmp_path / "h2.zip", 2, 3), anchor, "--public-key",
                 pub)
    assert res.code == 0 and "extends 3 earlier" in res.out, res.err  # seq 2 through the link
    assert "1 before what its chain reaches" in res.out
    # an older period's bundle, checked against the whole log: later checkpoints are outside it
    res = verify(capsys, export(repo, conf, tmp_path / "h1.zip", 0, 1), anchor)
    assert res.code == 0 and "2 made after this bundle's head" in res.out, res.err


def test_a_rewritten_chain_is_exit_4(repo: Repository, conf: Settings, tmp_path: Path,
                                     capsys: Capsys) -> None:
    made = seal_days(repo, conf, range(3))
    year = export(repo, conf, tmp_path / "year.zip", 0, 2)
    forged = make(2, "e" * 64, T0 + timedelta(days=1), None)  # another history at seq 2
    failed(verify(capsys, year, save(tmp_path / "f.json", forged)), "seq 2", "rewritten")
    several = save(tmp_path / "f.jsonl", made[0], forged, made[2])
    failed(verify(capsys, year, several), "checkpoint seq 2", "rewritten")


def test_deleted_newest_runs_are_caught_by_checkpoints_made_inside_the_period(
        repo: Repository, conf: Settings, tmp_path: Path, db_url: str, capsys: Capsys) -> None:
    seal_days(repo, conf, range(3))
    newest = repo.chain_head()
    raw = create_engine(db_url)
    with raw.begin() as conn:  # delete the newest run everywhere and roll the head back
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        run_id = conn.execute(text("SELECT run_id FROM runs WHERE chain_seq = 3")).scalar_one()
        tables = [t for t in inspect(conn).get_table_names()
                  if t != "runs" and "run_id" in {c["name"] for c in inspect(conn).get_columns(t)}]
        for table in tables:
            conn.execute(text(f"DELETE FROM {table} WHERE run_id = :r"), {"r": run_id})
        conn.execute(text("DELETE FROM runs WHERE run_id = :r"), {"r": run_id})
        conn.execute(text("DELETE FROM checkpoints WHERE seq = 3"))
        conn.execute(text("UPDATE chain_head SET seq = 2, head_sha256 = (SELECT manifest_sha256 "
                          "FROM runs WHERE chain_seq = 2)"))
    raw.dispose()
    assert repo.chain_head() != newest and repo.verify_chain().ok  # only the anchor can tell
    year = export(repo, conf, tmp_path / "year.zip", 0, 2)  # exports cleanly: a 2-run chain
    assert run_cli(capsys, "verify", str(year)).code == 0
    failed(verify(capsys, year, str(tmp_path / "cp.jsonl")), "checkpoint seq 3",
           "inside the bundle's period", "runs of the period are missing")


def test_checkpoint_signatures_are_checked_with_the_public_key(
        repo: Repository, conf: Settings, tmp_path: Path, capsys: Capsys) -> None:
    made = seal_days(repo, conf, range(2))
    year = export(repo, conf, tmp_path / "year.zip", 0, 1)
    pub = str(tmp_path / "k.pub")
    altered = dict(made[0], at="2026-01-01T03:06:00Z")  # still well formed, signature broken
    failed(verify(capsys, year, save(tmp_path / "a.json", altered), "--public-key", pub),
           "checkpoint seq 1", "does not hold")
    generate(tmp_path / "o.pem", tmp_path / "o.pub")
    other = load_private(tmp_path / "o.pem")
    foreign = make(1, made[0]["head_sha256"], T0, (other.sign, other.fingerprint))
    failed(verify(capsys, year, save(tmp_path / "o.json", foreign), "--public-key", pub),
           "signed by another key")
    unsigned = make(1, made[0]["head_sha256"], T0, None)  # kept by the auditor: accepted
    res = verify(capsys, year, save(tmp_path / "u.json", unsigned), "--public-key", pub)
    assert res.code == 0 and "1 checkpoint(s) unsigned" in res.out, res.err


@pytest.mark.parametrize("content, words", [
    ("", "holds no checkpoint"),
    ("{\n", "not JSON"),
    ('{"seq": 1}', "not a checkpoint"),
    ("[1, 2]", "a checkpoint is a JSON object"),
    ('{"format": "evidence-checkpoint/1", "seq": NaN}', "not JSON"),
    (b"\xff\xfe", "not UTF-8"),
])
def test_an_unusable_checkpoint_file_is_one_line_and_exit_2(
        repo: Repository, conf: Settings, tmp_path: Path, capsys: Capsys, content: str | bytes,
        words: str) -> None:
    seal_days(repo, conf, range(1))
    bundle = export(repo, conf, tmp_path / "b.zip", 0, 0)
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    res = verify(capsys, bundle, str(path))
    assert res.code == 2 and len(res.err.strip().splitlines()) == 1, res.err
    assert words in res.err and "--checkpoint" in res.err


def test_special_and_oversized_checkpoint_files_are_refused_unread(
        repo: Repository, conf: Settings, tmp_path: Path, capsys: Capsys) -> None:
    seal_days(repo, conf, range(1))
    bundle = export(repo, conf, tmp_path / "b.zip", 0, 0)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big.jsonl"
    with big.open("wb") as fh:
        fh.truncate((16 << 20) + 1)
    for path, words in ((fifo, "not a regular file"), (Path("/dev/zero"), "not a regular file"),
                        (big, "larger than 16 MB")):
        res = verify(capsys, bundle, str(path))
        assert res.code == 2 and len(res.err.strip().splitlines()) == 1, res.err
        assert words in res.err, res.err
