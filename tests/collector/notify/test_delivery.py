"""Alerts end to end: queued when the run is sealed, delivered at least once, deduplicable by
key — receiver down then up, a collector killed between sealing and sending, a flood (SQLite
and PostgreSQL, real HTTP receivers, the real CLI)."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from collector.demo.estate import build_aws_estate
from collector.notify.targets import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify_signature,
)
from storage import Repository
from tests.conftest import Moto
from tests.support.cli import run_cli, write_config
from tests.support.procs import evidence, wait_for

Capsys = pytest.CaptureFixture[str]
SECRET = "s3cret-hmac-key"


class Receiver:
    """A webhook receiver on 127.0.0.1: answers `status`, may hold requests until released."""

    def __init__(self) -> None:
        self.status = 200
        self.hold = threading.Event()
        self.hold.set()
        self.got: list[tuple[dict[str, str], bytes, int]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver.status
                receiver.got.append((dict(self.headers), body, status))
                receiver.hold.wait(60)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def delivered_keys(self) -> list[str]:
        return [h[DELIVERY_HEADER] for h, _, status in self.got if status == 200]

    def close(self) -> None:
        self.hold.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    try:
        yield r
    finally:
        r.close()


def _config(tmp_path: Path, moto: Moto, url: str) -> Path:
    return write_config(tmp_path / "evidence.yaml", moto.endpoint, notify=[
        {"type": "webhook", "name": "hook", "url": url, "secret_env": "EVIDENCE_HOOK_SECRET"}])


def test_receiver_down_then_up_gets_each_alert_exactly_once(
        moto: Moto, tmp_path: Path, capsys: Capsys, db_url: str, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIDENCE_HOOK_SECRET", SECRET)
    build_aws_estate(moto.endpoint)
    config = _config(tmp_path, moto, receiver.url)
    receiver.status = 503
    res = run_cli(capsys, "--config", str(config), "--db", db_url, "collect", "--format",
                  "json")
    assert res.code in (0, 3), res.err
    assert len(receiver.got) == 1 and receiver.delivered_keys() == []  # refused: kept
    repo = Repository.open(db_url)
    (row,) = repo.outbox()
    assert row.attempts == 1 and row.next_at is not None and "503" in row.last_error
    body = json.loads(row.body)
    kinds = {e["kind"]: e["count"] for e in body["events"]}
    assert kinds["new_failure"] > 10  # every failure of the first run, in one digest

    receiver.status = 200
    sent = run_cli(capsys, "--config", str(config), "--db", db_url, "alerts", "--deliver",
                   "--now")
    assert json.loads(sent.out)["sent"] == 1, sent.err
    again = run_cli(capsys, "--config", str(config), "--db", db_url, "alerts", "--deliver",
                    "--now")
    assert json.loads(again.out)["sent"] == 0
    assert receiver.delivered_keys() == [row.key]
    headers, raw, _ = receiver.got[-1]
    assert verify_signature(SECRET.encode(), headers[TIMESTAMP_HEADER], raw,
                            headers[SIGNATURE_HEADER], float(headers[TIMESTAMP_HEADER]))
    assert not verify_signature(b"guess", headers[TIMESTAMP_HEADER], raw,
                                headers[SIGNATURE_HEADER], float(headers[TIMESTAMP_HEADER]))
    sent_records = repo.ledger_records(["notification_sent"])
    assert [r.body["key"] for r in sent_records] == [row.key]  # the delivery is chained
    repo.close()


def test_a_collector_killed_after_sealing_delivers_after_restart(
        moto: Moto, tmp_path: Path, db_url: str, receiver: Receiver) -> None:
    build_aws_estate(moto.endpoint)
    config = _config(tmp_path, moto, receiver.url)
    env = {**os.environ, "EVIDENCE_CONFIG": str(config), "EVIDENCE_DB_URL": db_url,
           "EVIDENCE_HOOK_SECRET": SECRET}
    receiver.hold.clear()  # the first delivery hangs: the run is sealed, the send in flight
    proc = evidence(env, "collect")
    try:
        wait_for(lambda: len(receiver.got) == 1, 120, "the first delivery attempt")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        receiver.hold.set()
        if proc.poll() is None:
            proc.kill()
    repo = Repository.open(db_url)
    (row,) = repo.outbox()
    assert row.delivered_at is None  # the kill came before the delivery was recorded
    assert repo.list_runs(1)[0].sealed
    repo.close()
    done = evidence(env, "alerts", "--deliver", "--now")
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert json.loads(out)["sent"] == 1
    keys = [h[DELIVERY_HEADER] for h, _, _ in receiver.got]
    assert keys == [row.key, row.key]  # sent twice, one key: a deduping receiver sees it once
    assert yaml.safe_dump(keys)  # (keys are plain strings)
