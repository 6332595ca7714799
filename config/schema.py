"""Walking the settings model by key path: which keys exist where, and what type they hold.

Used to list the allowed keys in an "unknown key" message, and to tell which `EVIDENCE_*`
variables name a real setting and whether their value is plain text or YAML.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from config.settings import Settings

Key = str | int
_PLAIN_SEGMENT = re.compile(r"[A-Za-z_][\w-]*")


def format_key(path: Sequence[object]) -> str:
    """`("aws", "accounts", 0, "role_arn")` → `aws.accounts[0].role_arn`."""
    text = ""
    for segment in path:
        if isinstance(segment, int):
            text += f"[{segment}]"
        elif isinstance(segment, str) and _PLAIN_SEGMENT.fullmatch(segment):
            text += f".{segment}" if text else segment
        else:
            text += f"[{segment!r}]"
    return text


def _strip_annotated(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _union_members(annotation: Any) -> tuple[Any, ...] | None:
    if get_origin(annotation) in (Union, types.UnionType):
        return get_args(annotation)
    return None


def unwrap(annotation: Any) -> Any:
    """The annotation without `Annotated[...]` metadata and without `| None`."""
    annotation = _strip_annotated(annotation)
    members = _union_members(annotation)
    if members is not None:
        rest = [m for m in members if m is not type(None)]
        if len(rest) == 1:
            return unwrap(rest[0])
    return annotation


def allows_none(annotation: Any) -> bool:
    """True when `annotation` is optional (`X | None`)."""
    members = _union_members(_strip_annotated(annotation))
    return members is not None and type(None) in members


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The settings model `annotation` holds, if it holds one."""
    annotation = unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def is_text(annotation: Any) -> bool:
    """True for a plain string setting (or a choice of strings), as opposed to YAML data."""
    annotation = unwrap(annotation)
    if get_origin(annotation) is Literal:
        return all(isinstance(arg, str) for arg in get_args(annotation))
    return annotation is str


def child(annotation: Any, segment: Key) -> Any | None:
    """The annotation of `segment` inside a value of `annotation`; None when there is none.

    Raises `LookupError` when the value is a list and `segment` is not an index (lists are
    set whole), `TypeError` when the value is a scalar and has no children.
    """
    model = model_of(annotation)
    if model is not None:
        field = model.model_fields.get(segment) if isinstance(segment, str) else None
        return None if field is None else field.annotation
    annotation = unwrap(annotation)
    candidates = _union_members(annotation) or (annotation,)
    for candidate in candidates:
        origin, args = get_origin(candidate), get_args(candidate)
        if origin in (dict, Mapping):
            return args[1]
        if origin in (list, tuple, Sequence):
            if not isinstance(segment, int):
                raise LookupError("a list")
            return args[0]
    raise TypeError("a single value")


def fields_at(path: Sequence[object], root: type[BaseModel] = Settings) -> tuple[str, ...]:
    """The keys the model at `path` allows; empty when `path` is not a model."""
    annotation: Any = root
    for segment in path:
        if not isinstance(segment, str | int):
            return ()
        try:
            annotation = child(annotation, segment)
        except (LookupError, TypeError):
            return ()
        if annotation is None:
            return ()
    model = model_of(annotation)
    return tuple(model.model_fields) if model is not None else ()
