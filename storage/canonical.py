"""Canonical JSON: one byte string per value, so that equal content gets equal hashes.

Rules (the form is part of the evidence format; changing it changes every hash):

* ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)``,
  encoded as UTF-8. NaN and infinities are rejected.
* Mapping keys must be strings.
* ``datetime`` must be timezone-aware (naive values are rejected, never guessed) and is written
  in UTC as ``YYYY-MM-DDTHH:MM:SSZ`` when its microsecond is 0, otherwise as
  ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always six digits). Each instant has exactly one form.
* ``date`` is written ``YYYY-MM-DD``.
* ``bytes``/``bytearray``/``memoryview`` become standard base64 text (with padding).
* tuples become lists; sets and frozensets become lists sorted by their elements' canonical JSON.
* Any other non-JSON type raises ``TypeError``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any


def format_utc(value: datetime) -> str:
    """Format an aware datetime as canonical UTC ISO-8601 (see the module docstring)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} has no timezone; pass an aware UTC")
    utc = value.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}"
    return text + "Z"


_AS_IS = frozenset({str, int, float, bool, type(None)})
"""Exact types that are already plain JSON (subclasses, e.g. an IntEnum, take the slow path)."""


def _plain(obj: Any) -> Any:
    """Convert ``obj`` into plain JSON types by the rules in the module docstring."""
    kind = type(obj)
    if kind in _AS_IS:  # the common cases first, by exact type (this walks every manifest)
        return obj
    if kind is dict:
        plain: dict[str, Any] = {}
        for key, value in obj.items():
            if type(key) is not str and not isinstance(key, str):
                raise TypeError(f"canonical JSON keys must be strings, got {key!r}")
            plain[key] = value if type(value) in _AS_IS else _plain(value)
        return plain
    if kind is list or kind is tuple:
        return [item if type(item) in _AS_IS else _plain(item) for item in obj]
    return _plain_other(obj)


def _plain_other(obj: Any) -> Any:
    """`_plain` for everything but exact dicts, lists, tuples and JSON scalars."""
    if obj is None or isinstance(obj, str | bool | int | float):
        return obj
    if isinstance(obj, Mapping):
        plain: dict[str, Any] = {}
        for key, value in obj.items():
            if not isinstance(key, str):
                raise TypeError(f"canonical JSON keys must be strings, got {key!r}")
            plain[key] = _plain(value)
        return plain
    if isinstance(obj, list | tuple):
        return [_plain(item) for item in obj]
    if isinstance(obj, set | frozenset):
        return sorted((_plain(item) for item in obj), key=_dumps)
    if isinstance(obj, datetime):
        return format_utc(obj)
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(obj)).decode("ascii")
    raise TypeError(f"cannot encode {type(obj).__name__} as canonical JSON")


def _dumps(plain: Any) -> str:
    """Serialise plain JSON types canonically."""
    return json.dumps(
        plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def canonical_json(obj: Any) -> bytes:
    """Encode ``obj`` as canonical JSON bytes (UTF-8)."""
    return _dumps(_plain(obj)).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Lower-case hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()
