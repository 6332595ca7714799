"""Anchoring the chain outside the database (issue 14 item 3): checkpoints after sealing, the
file and S3 Object Lock anchors, verifying a database against them (deleted newest runs, a
rolled-back chain), the bundle's checkpoint and `extends`. On SQLite and PostgreSQL; S3 on moto."""

from __future__ import annotations

import io
import json
import logging
import os
import stat
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from collector.anchor.check import read_checkpoints, verify_database
from collector.anchor.checkpoint import problem
from collector.anchor.consistency import extends
from collector.anchor.publish import AnchorError, after_seal, append_line
from collector.export.export import write_bundle
from collector.export.signing import generate
from collector.export.source import select_period
from config.criteria import load_catalog
from config.settings import Settings
from storage import Repository
from storage.errors import AnchorMismatch, ChainBroken
from tests.collector.export.history import build_history
from tests.conftest import Moto
from tests.storage.helpers import T0, sealed_run
from tests.support.cli import run_cli


@pytest.fixture
def repo(db_url: str) -> Iterator[Repository]:
    with Repository.open(db_url) as opened:
        yield opened


def settings(tmp_path: Path, signed: bool = True, **anchor: Any) -> Settings:
    key = None
    if signed:
        generate(tmp_path / "k.pem", tmp_path / "k.pub")
        key = str(tmp_path / "k.pem")
    return Settings.model_validate({"signing_key": key,
                                    "anchor": {"file": str(tmp_path / "cp.jsonl"), **anchor}})


def seal_days(repo: Repository, conf: Settings, days: range,
              exportable: bool = False) -> list[dict[str, Any]]:
    out = []
    for n in days:
        if exportable:  # a recorded mapping and runner-shaped result sets
            build_history(repo, days=1, resources=6, checks=2, start=T0 + timedelta(days=n))
        else:
            sealed_run(repo, f"run-{n}", at=T0 + timedelta(days=n), variant=str(n % 2))
        checkpoint = after_seal(repo, conf)
        assert checkpoint is not None
        out.append(checkpoint)
    return out


def test_each_seal_appends_a_signed_checkpoint_to_a_private_file(
        repo: Repository, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    conf = settings(tmp_path)
    with caplog.at_level(logging.INFO, logger="evidence.anchor"):
        made = seal_days(repo, conf, range(3))
    path = tmp_path / "cp.jsonl"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kept = read_checkpoints(path)
    assert kept == made and [c["seq"] for c in kept] == [1, 2, 3]
    assert kept[-1]["head_sha256"] == repo.chain_head()[1]
    assert all(problem(c) is None and c["signature"] for c in kept)
    logged = [r for r in caplog.records if r.getMessage().startswith("checkpoint ")]
    assert [r.__dict__["checkpoint_seq"] for r in logged] == [1, 2, 3]
    done = verify_database(repo, kept, (tmp_path / "k.pub").read_bytes())
    assert (done.checkpoints, done.newest_seq, done.chain_seq) == (3, 3, 3)


def test_the_anchor_file_refuses_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "victim"
    target.write_text("keep\n")
    (tmp_path / "cp.jsonl").symlink_to(target)
    with pytest.raises(AnchorError, match=r"cp\.jsonl"):
        append_line(tmp_path / "cp.jsonl", {"seq": 1})
    assert target.read_text() == "keep\n"


def test_deleting_the_newest_run_and_rolling_back_the_head_is_caught_by_the_anchor(
        repo: Repository, tmp_path: Path, db_url: str) -> None:
    conf = settings(tmp_path)
    seal_days(repo, conf, range(3))
    raw = create_engine(db_url)
    with raw.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.execute(text("DELETE FROM result_changes WHERE run_id = 'run-2'"))
        conn.execute(text("DELETE FROM runs WHERE run_id = 'run-2'"))
        conn.execute(text("UPDATE chain_head SET seq = 2, head_sha256 = (SELECT manifest_sha256 "
                          "FROM runs WHERE run_id = 'run-1')"))
    raw.dispose()
    assert repo.verify_chain().ok  # consistent inside the database: only the anchor can tell
    with pytest.raises(AnchorMismatch, match=r"seq 3 .*deleted and the chain rolled back"):
        verify_database(repo, read_checkpoints(tmp_path / "cp.jsonl"))


def test_a_rewritten_chain_is_caught_by_the_anchor(repo: Repository, tmp_path: Path) -> None:
    conf = settings(tmp_path, signed=False)
    made = seal_days(repo, conf, range(2))
    forged = dict(made[1], head_sha256="0" * 64)
    with pytest.raises(AnchorMismatch, match=r"seq 2 .*the chain was rewritten"):
        verify_database(repo, [made[0], forged])


def test_a_checkpoint_signed_by_another_key_is_refused(repo: Repository, tmp_path: Path) -> None:
    made = seal_days(repo, settings(tmp_path), range(1))
    generate(tmp_path / "other.pem", tmp_path / "other.pub")
    with pytest.raises(AnchorMismatch, match="signed by another key"):
        verify_database(repo, made, (tmp_path / "other.pub").read_bytes())


def test_checkpoints_go_to_s3_under_object_lock(repo: Repository, tmp_path: Path,
                                                moto: Moto) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="anchor", ObjectLockEnabledForBucket=True)
    conf = settings(tmp_path, s3={"bucket": "anchor", "prefix": "cp/",
                                  "endpoint_url": moto.endpoint, "retention_days": 30})
    made = seal_days(repo, conf, range(2))
    head = s3.head_object(Bucket="anchor", Key="cp/000000000002.json")
    assert head["ObjectLockMode"] == "COMPLIANCE"
    body = json.loads(s3.get_object(Bucket="anchor", Key="cp/000000000002.json")["Body"].read())
    assert body == made[1]
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as denied:
        s3.delete_object(Bucket="anchor", Key="cp/000000000002.json", VersionId=head["VersionId"])
    assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_a_failing_anchor_does_not_fail_the_seal(repo: Repository, tmp_path: Path,
                                                 moto: Moto) -> None:
    conf = settings(tmp_path, s3={"bucket": "no-such-bucket", "endpoint_url": moto.endpoint})
    [made] = seal_days(repo, conf, range(1))
    assert read_checkpoints(tmp_path / "cp.jsonl") == [made]  # the file still got it


def bundle_manifest(repo: Repository, conf: Settings, tmp_path: Path, first: int,
                    last: int) -> dict[str, Any]:
    start, end = (T0 + timedelta(days=first)).date(), (T0 + timedelta(days=last)).date()
    out = io.BytesIO()
    from collector.export.signing import load_private

    signer = load_private(Path(conf.signing_key)) if conf.signing_key else None
    write_bundle(repo, load_catalog(), conf, select_period(repo, start, end), out,
                 tool_version="test", signer=signer)
    with zipfile.ZipFile(out) as zf:
        parsed: dict[str, Any] = json.loads(zf.read("manifest.json"))
    return parsed


def test_the_bundle_carries_its_head_checkpoint_and_extends_earlier_ones(
        repo: Repository, tmp_path: Path) -> None:
    conf = settings(tmp_path)
    made = seal_days(repo, conf, range(4), exportable=True)
    manifest = bundle_manifest(repo, conf, tmp_path, 0, 3)
    assert manifest["checkpoint"] == made[3]  # the one anchored when the head was sealed
    assert extends(made[1], manifest) is None and extends(made[3], manifest) is None
    rewritten = dict(made[1], head_sha256="f" * 64)
    assert "rewritten" in (extends(rewritten, manifest) or "")
    earlier_bundle = bundle_manifest(repo, conf, tmp_path, 0, 1)
    assert "rolled back" in (extends(made[3], earlier_bundle) or "")
    later_only = bundle_manifest(repo, conf, tmp_path, 2, 3)
    assert "does not contain seq 1" in (extends(made[0], later_only) or "")
    assert "malformed" in (extends({"seq": 1}, manifest) or "")


def test_export_refuses_a_broken_chain(repo: Repository, tmp_path: Path, db_url: str) -> None:
    conf = settings(tmp_path, signed=False)
    seal_days(repo, conf, range(2), exportable=True)
    bundle_manifest(repo, conf, tmp_path, 0, 1)
    raw = create_engine(db_url)
    with raw.begin() as conn:
        conn.execute(text("UPDATE calls SET error_code = 'Forged'"))
    raw.dispose()
    with pytest.raises(ChainBroken, match=r"call .* was altered"):
        bundle_manifest(repo, conf, tmp_path, 0, 1)


def test_db_verify_command(repo: Repository, tmp_path: Path, db_url: str,
                           capsys: pytest.CaptureFixture[str]) -> None:
    conf = settings(tmp_path)
    seal_days(repo, conf, range(2))
    anchor = str(tmp_path / "cp.jsonl")
    res = run_cli(capsys, "--db", db_url, "db", "verify", "--anchor", anchor, "--public-key",
                  str(tmp_path / "k.pub"))
    assert res.code == 0, res.err
    assert json.loads(res.out) == {"database": "ok", "runs": 2,
                                   "anchor": {"checkpoints": 2, "newest_seq": 2, "chain_seq": 2}}
    raw = create_engine(db_url)
    with raw.begin() as conn:
        conn.execute(text("UPDATE result_changes SET status = '-'"))  # "run-2 had no past"
    raw.dispose()
    res = run_cli(capsys, "--db", db_url, "db", "verify")
    assert res.code == 4 and len(res.err.strip().splitlines()) == 1, res.err
    assert "change index of run" in res.err
    (tmp_path / "bad.jsonl").write_text("{\n")
    res = run_cli(capsys, "--db", db_url, "db", "verify", "--anchor", str(tmp_path / "bad.jsonl"))
    assert res.code in (2, 4) and len(res.err.strip().splitlines()) == 1, res.err


def test_db_verify_reads_the_anchor_safely(repo: Repository, tmp_path: Path, db_url: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    made = seal_days(repo, settings(tmp_path), range(2))
    one = tmp_path / "one.json"  # a single checkpoint, pretty-printed as an auditor saves it
    one.write_text(json.dumps(made[1], indent=2))
    res = run_cli(capsys, "--db", db_url, "db", "verify", "--anchor", str(one), "--public-key",
                  str(tmp_path / "k.pub"))
    assert res.code == 0 and json.loads(res.out)["anchor"]["newest_seq"] == 2, res.err
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # would block a plain read forever
    for path, words in ((fifo, "not a regular file"), (Path("/dev/zero"), "not a regular file"),
                        (tmp_path / "empty", "holds no checkpoint")):
        if path.name == "empty":
            path.write_text("\n")
        res = run_cli(capsys, "--db", db_url, "db", "verify", "--anchor", str(path))
        assert res.code == 2 and len(res.err.strip().splitlines()) == 1, res.err
        assert words in res.err, res.err
