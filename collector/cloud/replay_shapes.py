"""Recorded AWS responses checked against botocore's service models, and revived.

Recordings keep responses in their stored (normalised, canonical JSON) form. `revive` turns them
back into what boto3 returns (`datetime`, `bytes`) through the operation's output shape, and
rejects any key the shape does not have, so a fixture cannot drift from what AWS answers.
"""

from __future__ import annotations

import base64
import binascii
import functools
from datetime import UTC, datetime
from typing import Any

import botocore.session
from botocore import xform_name
from botocore.model import OperationModel, ServiceModel, Shape

from storage.timestamps import parse_timestamp


class ReplayFormatError(ValueError):
    """A recording is malformed or disagrees with the AWS service model (one line: where, what)."""


@functools.cache
def _service_model(service: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


def operation_model(service: str, operation: str, where: str = "") -> OperationModel:
    """botocore's model of `service`.`operation` (snake_case, as checks call it)."""
    try:
        model = _service_model(service)
    except Exception as exc:  # botocore raises UnknownServiceError
        raise ReplayFormatError(f"{where}: unknown AWS service {service!r}") from exc
    names = {xform_name(op): op for op in model.operation_names}
    if operation not in names:
        raise ReplayFormatError(f"{where}: {service} has no operation {operation!r}")
    return model.operation_model(names[operation])


def revive(value: Any, shape: Shape | None, where: str) -> Any:
    """The stored form of a response turned back into what boto3 returns, checked against
    the output shape (unknown keys are an error: AWS never sends them)."""
    if value is None:
        return None
    if shape is None:
        if value != {}:
            raise ReplayFormatError(f"{where}: the operation returns no body")
        return value
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise ReplayFormatError(f"{where}: expected an object for {shape.name}")
        members = shape.members
        unknown = sorted(set(value) - set(members))
        if unknown:
            raise ReplayFormatError(f"{where}: {shape.name} has no member(s) {unknown}")
        return {k: revive(v, members[k], f"{where}.{k}") for k, v in value.items()}
    if kind == "list":
        if not isinstance(value, list):
            raise ReplayFormatError(f"{where}: expected a list for {shape.name}")
        member = shape.member
        return [revive(v, member, f"{where}[{i}]") for i, v in enumerate(value)]
    if kind == "map":
        if not isinstance(value, dict):
            raise ReplayFormatError(f"{where}: expected an object for {shape.name}")
        return {k: revive(v, shape.value, f"{where}.{k}")
                for k, v in value.items()}
    if kind == "timestamp" and isinstance(value, str):
        return _timestamp(value, where)
    if kind == "timestamp" and isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return value.encode("utf-8")  # plain text, for readable fixtures
    return value


def _timestamp(text: str, where: str) -> datetime:
    try:
        return parse_timestamp(text)
    except ValueError as exc:
        raise ReplayFormatError(f"{where}: {text!r} is not an ISO-8601 timestamp") from exc
