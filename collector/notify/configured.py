"""The configured alert targets, with their secrets read from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping

from collector.notify.targets import Email, Slack, Target, Webhook
from config.operate import NotifyTarget
from config.settings import Settings


class NotifyConfigError(ValueError):
    """A target names an environment variable that is not set (one line: which, where)."""


def target_name(target: NotifyTarget, index: int) -> str:
    return target.name or f"{target.type}-{index}"


def _env(name: str | None, where: str) -> str | None:
    if name is None:
        return None
    value = os.environ.get(name)
    if not value:
        raise NotifyConfigError(f"{where}: environment variable {name} is not set")
    return value


def build_targets(settings: Settings) -> dict[str, tuple[Target, tuple[str, ...]]]:
    """Name -> (target, subscribed events), in configuration order."""
    out: dict[str, tuple[Target, tuple[str, ...]]] = {}
    for n, t in enumerate(settings.notify):
        where = f"notify[{n}]"
        name = target_name(t, n)
        target: Target
        if t.type in ("webhook", "slack"):
            url = t.url or _env(t.url_env, f"{where}.url_env") or ""
            if t.type == "webhook":
                secret = _env(t.secret_env, f"{where}.secret_env")
                target = Webhook(name, url, secret.encode() if secret else None)
            else:
                target = Slack(name, url)
        else:
            target = Email(name, t.smtp_host or "", t.smtp_port, t.sender or "",
                           tuple(t.recipients), username=t.username or "",
                           password=_env(t.password_env, f"{where}.password_env") or "",
                           starttls=t.starttls)
        out[name] = (target, tuple(t.events))
    return out


def senders(configured: Mapping[str, tuple[Target, tuple[str, ...]]]) -> dict[str, Target]:
    return {name: target for name, (target, _) in configured.items()}
