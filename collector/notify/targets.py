"""Where alerts go: a signed generic webhook, a Slack incoming webhook, or email over SMTP.

Every target sends a `Message` and raises `DeliveryError` when it could not; the outbox
decides about retries. Webhook receivers authenticate a message and reject replays with the
HMAC-SHA256 signature over ``"<timestamp>.<body>"`` (the `X-Evidence-Signature` header, as
``sha256=<hex>``) and the `X-Evidence-Timestamp` header; `X-Evidence-Delivery` carries the
idempotency key, the same on every retry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import urlsplit

from collector.notify.message import Message

TIMEOUT_SECONDS = 10.0
SIGNATURE_HEADER = "X-Evidence-Signature"
TIMESTAMP_HEADER = "X-Evidence-Timestamp"
DELIVERY_HEADER = "X-Evidence-Delivery"
SLACK_ITEMS = 10
"""Items per event kind in a Slack message (Slack truncates long texts)."""
REPLAY_WINDOW_SECONDS = 300
"""How old a signed timestamp a receiver should accept (see `verify_signature`)."""


class DeliveryError(Exception):
    """A message was not delivered; `retryable` says whether trying later may help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class Target(Protocol):
    """A configured destination."""

    @property
    def name(self) -> str: ...

    def send(self, message: Message, now: float) -> None:
        """Deliver `message` (`now`: Unix time, for the signature) or raise DeliveryError."""
        ...


def mask_url(url: str) -> str:
    """A URL safe to log: scheme and host only (webhook paths and queries hold secrets)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/…"


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """The `X-Evidence-Signature` value for a body sent at `timestamp`."""
    mac = hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(secret: bytes, timestamp: str, body: bytes, signature: str, now: float,
                     window: int = REPLAY_WINDOW_SECONDS) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > window:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)


def _post(url: str, body: bytes, headers: dict[str, str]) -> None:
    if urlsplit(url).scheme not in ("https", "http"):
        raise DeliveryError(f"{mask_url(url)}: only http(s) URLs are delivered to",
                            retryable=False)
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(65536)
    except urllib.error.HTTPError as exc:
        retry = exc.code >= 500 or exc.code in (408, 425, 429)
        raise DeliveryError(f"{mask_url(url)} answered HTTP {exc.code}", retryable=retry) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"{mask_url(url)} unreachable: {reason}", retryable=True) from None


@dataclass(frozen=True)
class Webhook:
    """A generic JSON webhook, HMAC-signed when a secret is configured."""

    name: str
    url: str = field(repr=False)
    secret: bytes | None = field(default=None, repr=False)

    def send(self, message: Message, now: float) -> None:
        body = json.dumps(message.body(), sort_keys=True, separators=(",", ":")).encode()
        stamp = int(now)
        headers = {DELIVERY_HEADER: message.key, TIMESTAMP_HEADER: str(stamp)}
        if self.secret:
            headers[SIGNATURE_HEADER] = sign(self.secret, stamp, body)
        _post(self.url, body, headers)


@dataclass(frozen=True)
class Slack:
    """A Slack incoming webhook (the URL is the secret)."""

    name: str
    url: str = field(repr=False)

    def send(self, message: Message, now: float) -> None:
        text = message.detail(limit=SLACK_ITEMS)
        _post(self.url, json.dumps({"text": text}).encode(), {})


@dataclass(frozen=True)
class Email:
    """Email over SMTP: STARTTLS (unless disabled for a local relay) and authentication."""

    name: str
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    username: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = True
    ca_file: str | None = None

    def send(self, message: Message, now: float) -> None:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = ", ".join(self.recipients)
        mail["Subject"] = message.text()[:200]
        mail["Message-ID"] = f"<{message.key}@evidence>"  # the idempotency key
        mail.set_content(message.detail())
        try:
            with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context(cafile=self.ca_file))
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(mail)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"smtp://{self.host}:{self.port} refused the login "
                                f"({exc.smtp_code})", retryable=False) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"smtp://{self.host}:{self.port} answered {exc.smtp_code}",
                                retryable=exc.smtp_code >= 400 and exc.smtp_code < 500) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"smtp://{self.host}:{self.port}: {type(exc).__name__}",
                                retryable=True) from None
