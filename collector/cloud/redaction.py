"""Keyed hashes that stand in for secrets, and which field names look like secrets.

A redacted value is stored as `redacted:hmac-sha256:<first 16 hex digits>`: HMAC-SHA256 of the
value under the redaction key. Equal secrets give equal hashes between runs (a changed
password shows as changed evidence) while the hash tells nothing of the value to anyone without
the key, not even by guessing likely values.

The key is never stored in the database, a bundle or a log. It comes from:
1. `EVIDENCE_REDACTION_KEY` (random text, 32 characters or more advised; give every collector
   writing one database the same value, e.g. from a secret manager), else
2. a random 32-byte key kept in `$XDG_CONFIG_HOME/evidence/redaction.key`
   (`~/.config/evidence/redaction.key`), created with mode 0600 on first use, else (no writable
   home) a random key for this process only, so hashes then compare equal within one run only.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import threading
from pathlib import Path

from storage.canonical import canonical_json

KEY_ENV = "EVIDENCE_REDACTION_KEY"
PREFIX = "redacted:hmac-sha256:"
logger = logging.getLogger(__name__)

SECRET_SUFFIXES = ("password", "passwd", "pwd", "passphrase", "secret", "token", "credential",
                   "credentials", "apikey", "privatekey", "secretkey", "accesskey", "accountkey",
                   "sharedkey", "masterkey", "connectionstring", "connstr", "sastoken")
"""A field name looks secret when, lower-cased without separators, it ends in one of these
(`db_password`, `DB_PASSWORD`, `adminPassword`, `api-key`, `ClientSecret`, `GITHUB_TOKEN`).
Names that only mention a secret (`PasswordLastUsed`, `HttpTokens`, `SecretArn`) do not."""

_lock = threading.Lock()
_keys: dict[str, bytes] = {}


def looks_secret(name: str) -> bool:
    """Whether a field, tag or variable name says its value is a secret."""
    squashed = re.sub(r"[^a-z0-9]", "", name.lower())
    return bool(squashed) and squashed.endswith(SECRET_SUFFIXES)


def key_file() -> Path:
    """Where the generated key is kept when `EVIDENCE_REDACTION_KEY` is not set."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "evidence" / "redaction.key"


def redaction_key() -> bytes:
    """The key of this process's keyed hashes (see the module docstring for its source)."""
    configured = os.environ.get(KEY_ENV, "")
    if configured:
        return configured.encode()
    path = key_file()
    with _lock:
        cached = _keys.get(str(path))
        if cached is None:
            cached = _load_or_create(path)
            _keys[str(path)] = cached
        return cached


def _load_or_create(path: Path) -> bytes:
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        logger.warning("redaction key %s is unreadable (%s): hashes of secrets in this run "
                       "compare equal only within it", path, exc)
        return secrets.token_bytes(32)
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key.hex() + "\n")
        return key
    except FileExistsError:  # another process created it first: use theirs
        return bytes.fromhex(path.read_text().strip())
    except OSError as exc:
        logger.warning("cannot keep a redaction key in %s (%s): hashes of secrets in this run "
                       "compare equal only within it; set %s", path, exc, KEY_ENV)
        return key


def keyed_hash(value: object) -> str:
    """`redacted:hmac-sha256:<16 hex>` of a value (text as UTF-8, bytes as they are, anything
    else as canonical JSON), under the redaction key."""
    if isinstance(value, bytes):
        data = value
    else:
        data = value.encode() if isinstance(value, str) else canonical_json(value)
    return PREFIX + hmac.new(redaction_key(), data, hashlib.sha256).hexdigest()[:16]
