"""The report's JSON form: dataclasses as dicts, dates ISO, datetimes UTC ``...Z``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from storage.canonical import format_utc

_SCALARS = frozenset({str, int, float, bool, type(None)})
_SCALAR_TYPES = frozenset({"str", "int", "float", "bool", "None", "str|None", "int|None",
                           "float|None", "bool|None"})
"""Field annotations (as written, ``from __future__ import annotations``) whose values need
no conversion: a year's report converts tens of thousands of records."""


class Jsonable:
    """Like ``dataclasses.asdict`` plus date formatting, without its deep copies and with each
    distinct datetime formatted once (a year's report holds tens of thousands of exception
    intervals, whose times are those of a few hundred runs)."""

    def __init__(self) -> None:
        self._times: dict[datetime, str] = {}
        self._fields: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]],
                                       tuple[str, ...]]] = {}

    def convert(self, value: Any) -> Any:
        """``value`` as JSON types: dataclasses as dicts, sequences as lists."""
        kind = type(value)
        if kind in _SCALARS:
            return value
        if kind is tuple or kind is list:
            return [v if type(v) in _SCALARS else self.convert(v) for v in value]
        if kind is dict:
            return {k: v if type(v) in _SCALARS else self.convert(v) for k, v in value.items()}
        if isinstance(value, datetime):
            text = self._times.get(value)
            if text is None:
                text = self._times[value] = format_utc(value)
            return text
        names = getattr(kind, "__dataclass_fields__", None)
        if names is not None:
            return self._record(value, kind, names)
        if isinstance(value, list | tuple):
            return [self.convert(v) for v in value]
        if isinstance(value, date):
            return value.isoformat()
        return value

    def _record(self, value: Any, kind: type, names: Iterable[str]) -> dict[str, Any]:
        """A dataclass instance as a dict of its fields, in declaration order."""
        found = self._fields.get(kind)
        if found is None:
            keys = tuple(names)
            fields = getattr(kind, "__dataclass_fields__", {})
            other = tuple(k for k in keys if str(getattr(fields.get(k), "type", "")).replace(
                " ", "") not in _SCALAR_TYPES)
            found = self._fields[kind] = (keys, _getter(keys), other)
        keys, values, other = found
        out = dict(zip(keys, values(value), strict=True))
        for k in other:  # fields declared scalar are JSON as they are
            v = out[k]
            if type(v) not in _SCALARS:
                out[k] = self.convert(v)
        return out


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving an object's attributes ``names`` as a tuple."""
    if len(names) > 1:
        return attrgetter(*names)
    return lambda value: tuple(getattr(value, n) for n in names)  # attrgetter("x") is no tuple
