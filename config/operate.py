"""Settings for operating the controls: alert targets (`notify:`) and accepted risks (`risks:`).

Secrets (webhook URLs, HMAC keys, SMTP passwords) may be given as the names of environment
variables (`url_env`, `secret_env`, `password_env`) so the file under review holds none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from config.fields import Bool, Text, Url, choice, invalid, is_int, list_of, string

EVENT_KINDS = ("new_failure", "fixed", "run_partial", "collection_missed", "risk_expiring",
               "risk_expired")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
EnvName = Annotated[str, BeforeValidator(string("an environment variable name", ENV_NAME))]
Events = Annotated[Sequence[str], BeforeValidator(list_of(
    choice(*EVENT_KINDS), "a list of events: " + ", ".join(EVENT_KINDS)))]


def _port(value: object) -> int:
    if not is_int(value) or not 1 <= value <= 65535:
        invalid("a TCP port between 1 and 65535")
    return value


def _days(value: object) -> int:
    if not is_int(value) or not 1 <= value <= 3660:
        invalid("a number of days between 1 and 3660")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NotifyTarget(_Model):
    """One place alerts go (`notify:` is a list of these)."""

    type: Annotated[Literal["webhook", "slack", "email"],
                    BeforeValidator(choice("webhook", "slack", "email"))]
    name: Text | None = None
    """How logs and the outbox name it (default: `<type>-<position>`)."""
    url: Url | None = None
    url_env: EnvName | None = None
    secret_env: EnvName | None = None
    """webhook: the variable holding the HMAC-SHA256 key."""
    events: Events = EVENT_KINDS
    smtp_host: Text | None = None
    smtp_port: Annotated[int, BeforeValidator(_port)] = 587
    starttls: Bool = True
    username: Text | None = None
    password_env: EnvName | None = None
    sender: Text | None = None
    recipients: Annotated[Sequence[str], BeforeValidator(list_of(
        string("an email address"), "a list of email addresses"))] = ()

    @model_validator(mode="after")
    def _complete(self) -> NotifyTarget:
        if self.type in ("webhook", "slack"):
            if (self.url is None) == (self.url_env is None):
                invalid("exactly one of url or url_env", "url", got=self.url)
        else:
            for key in ("smtp_host", "sender"):
                if getattr(self, key) is None:
                    invalid("a value for email targets", key, got=None)
            if not self.recipients:
                invalid("at least one recipient for email targets", "recipients",
                        got=list(self.recipients))
        return self


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


Targets = Annotated[Sequence[NotifyTarget], BeforeValidator(_as_tuple)]


class RiskSettings(_Model):
    """`risks:` — limits on accepted risks."""

    max_days: Annotated[int, BeforeValidator(_days)] = 366
    """Longest acceptance (effective date to expiry)."""
    expiring_days: Annotated[int, BeforeValidator(_days)] = 14
    """`risk_expiring` alerts this many days before an acceptance ends."""
