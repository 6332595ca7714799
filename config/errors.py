"""`ConfigError`: every configuration problem as one line that names file, key and expectation.

    evidence.yaml: aws.accounts[0].role_arn: expected an IAM role ARN like
        arn:aws:iam::123456789012:role/Name, got 'foo'          (one line in reality)
    evidence.yaml: aws.regoins: unknown key (allowed: enabled, regions, ...)
    evidence.yaml: line 3, column 5: invalid YAML: mapping values are not allowed here
    EVIDENCE_AWS__MAX_WORKERS: expected an integer between 1 and 64, got 'x'

Several problems are joined with "; " on the same line. Pydantic's errors are translated here
and nowhere else; the `file` of a problem is the environment variable that set the value when
one did.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from config.fields import NOT_GIVEN
from config.schema import fields_at, format_key

MAX_SHOWN = 5
"""Problems rendered in one message; the rest are counted."""

_GENERIC = {
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "dict_type": "a mapping",
    "list_type": "a list",
    "tuple_type": "a list",
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "float_type": "a number",
    "float_parsing": "a number",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the configuration."""

    file: str
    """The config file as named by the user, or the environment variable that set the value."""
    key: str | None
    """Dotted path to the value (`aws.accounts[0].role_arn`); None for the file as a whole."""
    detail: str
    """What is wrong: `expected ..., got ...`, `unknown key (...)`, `file not found`."""
    expected: str | None = None
    """What a valid value looks like, when the problem is a wrong value."""

    def __str__(self) -> str:
        text = ": ".join(part for part in (self.file, self.key, self.detail) if part)
        return re.sub(r"\s*\n\s*", " ", text)


class ConfigError(Exception):
    """The configuration cannot be used; `str()` is a single line for the user.

    `ConfigError(file, key, expected, got=value)` renders `file: key: expected ..., got ...`;
    `detail=` replaces the `expected ...` part for problems that are not a wrong value (an
    unknown key, a missing file). `ConfigError.of(problems)` joins several problems.
    """

    def __init__(
        self,
        file: str,
        key: str | None = None,
        expected: str | None = None,
        *,
        got: object = NOT_GIVEN,
        detail: str | None = None,
    ) -> None:
        if detail is None:
            detail = f"expected {expected}" if expected is not None else "invalid"
            if got is not NOT_GIVEN:
                detail += f", got {describe(got)}"
        self._init((Problem(file, key, detail, expected),))

    @classmethod
    def of(cls, problems: Sequence[Problem]) -> ConfigError:
        """One error for several problems (at least one)."""
        if not problems:
            raise ValueError("ConfigError.of needs at least one problem")
        error = cls.__new__(cls)
        error._init(tuple(problems))
        return error

    def _init(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        shown = "; ".join(str(problem) for problem in problems[:MAX_SHOWN])
        hidden = len(problems) - MAX_SHOWN
        Exception.__init__(self, shown + (f" (and {hidden} more)" if hidden > 0 else ""))

    @property
    def file(self) -> str:
        """The file (or environment variable) of the first problem."""
        return self.problems[0].file

    @property
    def key(self) -> str | None:
        """The key of the first problem."""
        return self.problems[0].key

    @property
    def expected(self) -> str | None:
        """What the first problem's value should have been, if it is a wrong value."""
        return self.problems[0].expected


def describe(value: object) -> str:
    """A short rendering of a wrong value, in YAML terms."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _unknown_key(loc: Sequence[object]) -> str:
    allowed = fields_at(loc[:-1])
    if not allowed:
        return "unknown key"
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown key (allowed: {', '.join(allowed)}){hint}"


def _translate(error: Mapping[str, Any]) -> tuple[tuple[object, ...], str, str | None]:
    """(location, detail, expected) of one pydantic error."""
    loc: tuple[object, ...] = tuple(s for s in error["loc"] if s != "[key]")
    kind, context, got = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return loc, "required key missing", None
    if kind == "extra_forbidden":
        return loc, _unknown_key(loc), None
    if kind == "expected":
        loc += tuple(context.get("at", ()))
        got = context.get("got", got)
        expected: str | None = str(context["expected"])
    elif kind in _GENERIC:
        expected = _GENERIC[kind]
    elif kind == "literal_error":
        expected = f"one of {context.get('expected')}"
    elif str(error["msg"]).startswith("Input should be "):
        expected = str(error["msg"]).removeprefix("Input should be ")
    elif kind == "value_error" and "error" in context:
        return loc, f"{context['error']}, got {describe(got)}", None
    else:
        return loc, f"{error['msg']}, got {describe(got)}", None
    return loc, f"expected {expected}, got {describe(got)}", expected


def from_validation_error(
    error: ValidationError, file: str, origins: Mapping[tuple[str, ...], str] | None = None
) -> ConfigError:
    """Translate pydantic's errors; `origins` maps key paths set by environment variables to
    the variable's name, which then replaces `file` for problems at or below that path."""
    problems: list[Problem] = []
    for item in error.errors(include_url=False):
        loc, detail, expected = _translate(item)
        source, key_path = file, loc
        for path, variable in sorted((origins or {}).items(), key=lambda o: -len(o[0])):
            if loc[: len(path)] == path:
                source, key_path = variable, (() if loc == path else loc)
                break
        problem = Problem(source, format_key(key_path) or None, detail, expected)
        if problem not in problems:
            problems.append(problem)
    return ConfigError.of(problems)
