"""Alert targets against real local receivers: an HTTP server and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import logging
import socket
import ssl
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collector.notify.message import MAX_ITEMS, Event, digest
from collector.notify.targets import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    DeliveryError,
    Email,
    Slack,
    Webhook,
    mask_url,
    verify_signature,
)

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
SECRET = b"hook-secret"


def flood(n: int) -> Event:
    return Event("new_failure", "run-1", tuple(
        {"check_id": "aws_s3_public_access_blocked", "resource_id": f"arn:aws:s3:::b{i}"}
        for i in range(n)))


def test_a_flood_is_one_digest_with_the_full_count() -> None:
    msg = digest("hook", ["new_failure"], "run-1", [flood(10_000)], NOW)
    assert msg is not None
    body = msg.body()
    assert body["events"][0]["count"] == 10_000  # type: ignore[index]
    assert len(body["events"][0]["items"]) == MAX_ITEMS  # type: ignore[index]
    assert digest("hook", ["fixed"], "run-1", [flood(3)], NOW) is None  # not subscribed
    again = digest("hook", ["new_failure"], "run-1", [flood(1)], NOW)
    assert again is not None and again.key == msg.key  # same run, same kinds: same key


def test_webhook_is_signed_and_a_wrong_secret_is_detectable(httpserver: HTTPServer) -> None:
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    msg = digest("hook", ["new_failure"], "run-1", [flood(2)], NOW)
    assert msg is not None
    now = time.time()
    Webhook("hook", httpserver.url_for("/hook"), SECRET).send(msg, now)

    (req,) = seen
    body = req.get_data()
    assert json.loads(body)["id"] == msg.key == req.headers[DELIVERY_HEADER]
    stamp, sig = req.headers[TIMESTAMP_HEADER], req.headers[SIGNATURE_HEADER]
    assert verify_signature(SECRET, stamp, body, sig, now)
    assert not verify_signature(b"wrong-secret", stamp, body, sig, now)
    assert not verify_signature(SECRET, stamp, body + b" ", sig, now)  # altered body
    assert not verify_signature(SECRET, stamp, body, sig, now + 3600)  # replayed an hour later


def test_webhook_errors_say_whether_to_retry(httpserver: HTTPServer) -> None:
    msg = digest("hook", ["fixed"], "run-1", [Event("fixed", "run-1")], NOW)
    assert msg is not None
    httpserver.expect_request("/down").respond_with_data("no", status=503)
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    with pytest.raises(DeliveryError) as down:
        Webhook("hook", httpserver.url_for("/down")).send(msg, time.time())
    assert down.value.retryable and "503" in str(down.value)
    with pytest.raises(DeliveryError) as gone:
        Webhook("hook", httpserver.url_for("/gone")).send(msg, time.time())
    assert not gone.value.retryable
    with pytest.raises(DeliveryError) as local:
        Webhook("hook", "file:///etc/passwd").send(msg, time.time())
    assert not local.value.retryable


def test_slack_gets_its_incoming_webhook_shape(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/services/T0/B0/secret-token", method="POST").respond_with_data("ok")
    msg = digest("slack", ["new_failure"], "run-1", [flood(60)], NOW)
    assert msg is not None
    Slack("slack", httpserver.url_for("/services/T0/B0/secret-token")).send(msg, time.time())
    (req, _), = httpserver.log
    text = json.loads(req.get_data())["text"]
    assert "new failure: 60" in text and "and 50 more" in text


def test_logged_urls_keep_no_secret_path() -> None:
    assert mask_url("https://hooks.slack.com/services/T0/B0/xyz?token=1") == \
        "https://hooks.slack.com/…"


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((session.authenticated, envelope))
        return "250 OK"


def _auth(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == b"alerts" and data.password == b"pw"
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[tuple[Controller, _Inbox, str]]:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-connection chatter
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    inbox = _Inbox()
    with socket.socket() as probe:  # aiosmtpd connects to its own port to start: pick one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ctl = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_ctx,
                     require_starttls=True, authenticator=_auth, auth_require_tls=True)
    ctl.start()
    try:
        yield ctl, inbox, str(ca_file)
    finally:
        ctl.stop()


def test_email_uses_starttls_and_login(smtp: tuple[Controller, _Inbox, str]) -> None:
    ctl, inbox, ca_file = smtp
    port = ctl.port
    msg = digest("mail", ["new_failure"], "run-1", [flood(3)], NOW)
    assert msg is not None
    mail = Email("mail", "127.0.0.1", port, "evidence@example.com", ("owner@example.com",),
                 username="alerts", password="pw", ca_file=ca_file)
    mail.send(msg, time.time())
    (authenticated, envelope), = inbox.messages
    assert authenticated
    text = envelope.content.decode()
    assert f"Message-ID: <{msg.key}@evidence>" in text and "new failure: 3" in text

    wrong = Email("mail", "127.0.0.1", port, "evidence@example.com", ("owner@example.com",),
                  username="alerts", password="nope", ca_file=ca_file)
    with pytest.raises(DeliveryError) as err:
        wrong.send(msg, time.time())
    assert not err.value.retryable
