"""Strict shape validation of Azure JSON against the azure-mgmt model classes (test support).

Two generations of generated models are in use: msrest models (`_attribute_map`, keys such as
`properties.emails`, types such as `[NotificationsSource]`, polymorphism through
`_subtype_map`) and TypeSpec models (`rest_field`s with type annotations, polymorphism through
`__mapping__` and a discriminator field). `problems(data, model)` walks a JSON document against
either and lists every field the model does not define and every value of the wrong JSON type.
Keys match case-insensitively, as the SDKs' own deserialisers do.
"""

from __future__ import annotations

import datetime
import enum
import importlib
import re
import sys
import types
import typing
from typing import Any

SCALARS: dict[str, tuple[type, ...]] = {
    "str": (str,), "bool": (bool,), "int": (int,), "long": (int,), "float": (int, float),
    "iso-8601": (str,), "rfc-1123": (str,), "duration": (str,), "date": (str,),
    "unix-time": (int,), "bytearray": (str,), "base64": (str,), "decimal": (int, float, str),
}
"""msrest type names -> the JSON types that may carry them."""


def problems(data: Any, model: type, where: str = "$") -> list[str]:
    """Every unknown field and mistyped value of `data` for `model`."""
    if hasattr(model, "_attribute_map"):
        return _msrest(data, model, where)
    return _typespec(data, model, where)


# -- msrest models ------------------------------------------------------------------------
def _msrest(data: Any, model: type, where: str) -> list[str]:
    if not isinstance(data, dict):
        return [f"{where}: expected an object for {model.__name__}, got {type(data).__name__}"]
    model = _msrest_subtype(data, model)
    tree: dict[str, Any] = {}
    for spec in model._attribute_map.values():  # type: ignore[attr-defined]
        parts = [p.replace("\\.", ".") for p in re.split(r"(?<!\\)\.", spec["key"])]
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = spec["type"]
    return _msrest_node(data, tree, model, where)


def _msrest_node(data: dict[str, Any], tree: dict[str, Any], model: type,
                 where: str) -> list[str]:
    found: list[str] = []
    lowered = {k.lower(): v for k, v in tree.items()}
    for key, value in data.items():
        spec = lowered.get(key.lower())
        at = f"{where}.{key}"
        if spec is None:
            found.append(f"{at}: not a field of {model.__name__}")
        elif isinstance(spec, dict):
            if not isinstance(value, dict):
                found.append(f"{at}: expected an object")
            else:
                found += _msrest_node(value, spec, model, at)
        elif value is not None:
            found += _msrest_value(value, spec, model, at)
    return found


def _msrest_value(value: Any, spec: str, model: type, where: str) -> list[str]:
    if spec.startswith("[") and spec.endswith("]"):
        if not isinstance(value, list):
            return [f"{where}: expected a list ({spec})"]
        return [p for i, v in enumerate(value) for p in
                _msrest_value(v, spec[1:-1], model, f"{where}[{i}]")]
    if spec.startswith("{") and spec.endswith("}"):
        if not isinstance(value, dict):
            return [f"{where}: expected a map ({spec})"]
        return [p for k, v in value.items() for p in _msrest_value(v, spec[1:-1], model,
                                                                  f"{where}.{k}")]
    if spec == "object":
        return []
    if spec in SCALARS:
        ok = isinstance(value, SCALARS[spec]) and not (
            isinstance(value, bool) and bool not in SCALARS[spec])
        return [] if ok else [f"{where}: {value!r} is not {spec}"]
    target = getattr(sys.modules[model.__module__], spec, None)
    if not isinstance(target, type):
        return [f"{where}: unknown model type {spec}"]
    return _msrest(value, target, where)


def _msrest_subtype(data: dict[str, Any], model: type) -> type:
    for attr, mapping in (getattr(model, "_subtype_map", None) or {}).items():
        key = model._attribute_map[attr]["key"]  # type: ignore[attr-defined]
        value = {k.lower(): v for k, v in data.items()}.get(key.lower())
        name = mapping.get(value) if value is not None else None
        sub = getattr(sys.modules[model.__module__], name, None) if name else None
        if isinstance(sub, type) and sub is not model:
            return _msrest_subtype(data, sub)
    return model


# -- TypeSpec models ----------------------------------------------------------------------
def _typespec(data: Any, model: type, where: str) -> list[str]:
    if not isinstance(data, dict):
        return [f"{where}: expected an object for {model.__name__}, got {type(data).__name__}"]
    model = _typespec_subtype(data, model)
    fields = _fields(model)
    found: list[str] = []
    for key, value in data.items():
        field = fields.get(key.lower())
        at = f"{where}.{key}"
        if field is None:
            found.append(f"{at}: not a field of {model.__name__}")
        elif value is not None:
            hint, fmt = field
            if fmt == "unix-timestamp":
                ok = isinstance(value, int) and not isinstance(value, bool)
                found += [] if ok else [f"{at}: {value!r} is not a unix timestamp"]
            else:
                found += _typespec_value(value, hint, at)
    return found


def _fields(model: type[object]) -> dict[str, tuple[Any, str | None]]:
    """REST name (lower case) -> (annotation, wire format), for every rest_field (`model`: a
    TypeSpec model class; each SDK package vendors its own `Model` base, so no one type)."""
    model.__new__(model)  # computes _attr_to_rest_field, once per class
    package = importlib.import_module(model.__module__.rsplit(".", 1)[0])
    module = sys.modules[model.__module__]
    hints = typing.get_type_hints(model, globalns={**vars(module), "_models": package})
    rest = model._attr_to_rest_field  # type: ignore[attr-defined]
    return {rf._rest_name.lower(): (hints.get(attr, Any), getattr(rf, "_format", None))
            for attr, rf in rest.items()}


def _typespec_value(value: Any, hint: Any, where: str) -> list[str]:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any or hint is object:
        return []
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        attempts = [_typespec_value(value, a, where) for a in options]
        return [] if any(not a for a in attempts) else attempts[0]
    if origin is typing.Literal:
        return [] if value in args else [f"{where}: {value!r} is not one of {args}"]
    if origin in (list, typing.List):  # noqa: UP006
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        return [p for i, v in enumerate(value) for p in
                _typespec_value(v, args[0] if args else Any, f"{where}[{i}]")]
    if origin in (dict, typing.Dict):  # noqa: UP006
        if not isinstance(value, dict):
            return [f"{where}: expected a map"]
        return [p for k, v in value.items() for p in
                _typespec_value(v, args[1] if len(args) > 1 else Any, f"{where}.{k}")]
    if isinstance(hint, type):
        if issubclass(hint, enum.Enum) or hint is str or hint in (datetime.datetime,
                                                                   datetime.date,
                                                                   datetime.timedelta):
            return [] if isinstance(value, str) else [f"{where}: {value!r} is not a string"]
        if hint is bool:
            return [] if isinstance(value, bool) else [f"{where}: {value!r} is not a boolean"]
        if hint in (int, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if hint is int:
                ok = ok and float(value).is_integer()
            return [] if ok else [f"{where}: {value!r} is not a number ({hint.__name__})"]
        if hasattr(hint, "_attr_to_rest_field") or hasattr(hint, "__mapping__") or \
                hasattr(hint, "_is_model"):
            return _typespec(value, hint, where)
    return []


def _typespec_subtype(data: dict[str, Any], model: type) -> type:
    mapping = _all_subtypes(model)
    if not mapping:
        return model
    rest = _discriminator(model)
    value = {k.lower(): v for k, v in data.items()}.get(rest.lower()) if rest else None
    sub = mapping.get(value) if value is not None else None
    return _typespec_subtype(data, sub) if isinstance(sub, type) and sub is not model else model


def _all_subtypes(model: type) -> dict[str, type]:
    """Discriminator value -> class, through nested hierarchies (a protected item of type
    Microsoft.Compute/virtualMachines sits under AzureIaaSVMProtectedItem)."""
    out: dict[str, type] = {}
    for value, sub in (model.__dict__.get("__mapping__") or {}).items():
        out[value] = sub
        if sub is not model:
            out.update(_all_subtypes(sub))
    return out


def _discriminator(model: type) -> str | None:
    for klass in model.__mro__:
        for v in vars(klass).values():
            if getattr(v, "_is_discriminator", False):
                return str(v._rest_name)
    return None
