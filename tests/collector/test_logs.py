"""Log lines: JSON with run id, scope and check on every line; no secrets; text for people."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from collector.logs import log_context, redact, setup_logging


@pytest.fixture
def restore_logging() -> object:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield None
    root.handlers[:] = handlers
    root.setLevel(level)


def test_every_json_line_carries_run_scope_and_check(
    capsys: pytest.CaptureFixture[str], restore_logging: object
) -> None:
    setup_logging("json")
    log = logging.getLogger("evidence.test")
    log.info("outside any run")
    with log_context(run_id="r1", scope="111111111111"):
        log.info("opening")

        def worker() -> None:  # pool threads set their own context (contextvars do not flow)
            with log_context(run_id="r1", scope="111111111111", check="aws_x"):
                log.warning("checked %d", 3, extra={"fields": {"region": "eu-west-1"}})
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(x["run_id"], x["scope"], x["check"]) for x in lines] == [
        (None, None, None), ("r1", "111111111111", None), ("r1", "111111111111", "aws_x")]
    assert lines[2]["message"] == "checked 3" and lines[2]["region"] == "eu-west-1"
    assert lines[2]["level"] == "warning" and lines[2]["ts"].endswith("Z")


def test_secrets_are_masked_in_messages_and_fields(
    capsys: pytest.CaptureFixture[str], restore_logging: object
) -> None:
    setup_logging("json")
    logging.getLogger("evidence.test").error(
        "cannot connect to postgresql+psycopg://evidence:hunter2@db/evidence (password=hunter2)",
        extra={"fields": {"url": "postgresql://u:hunter2@h/d"}})
    err = capsys.readouterr().err
    assert "hunter2" not in err
    assert "evidence:***@db" in err


def test_sdk_debug_logs_stay_quiet_and_text_is_one_short_line(
    capsys: pytest.CaptureFixture[str], restore_logging: object
) -> None:
    setup_logging("text", "debug")
    logging.getLogger("botocore.endpoint").debug("Sending http request: Authorization: AWS4 …")
    with log_context(run_id="r1", check="aws_x"):
        logging.getLogger("evidence.test").warning("slow")
    assert capsys.readouterr().err == "evidence: warning: slow [run=r1 check=aws_x]\n"


def test_redact_leaves_ordinary_text_alone() -> None:
    assert redact("stored aws_kms in aws/1/us-east-1: 3 pass") == (
        "stored aws_kms in aws/1/us-east-1: 3 pass")
    assert redact("token: abc secret=def") == "token: *** secret=***"
