"""Reading YAML for configuration: safe, strict about duplicates, no YAML 1.1 surprises.

Differences from `yaml.safe_load`, all to keep an operator's intent:
- a key given twice in one mapping is an error (PyYAML silently keeps the last one);
- numbers with a leading zero and `12:30`-style numbers stay strings (YAML 1.1 would read
  `012345670123` as an octal number and `12:30` as 750);
- dates stay strings (no setting is a date; a parameter value stays what was typed);
- an integer longer than MAX_INT_DIGITS characters, and nesting deeper than the interpreter's
  recursion limit, are errors naming the line (not a crash).
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode

from config.errors import ConfigError

_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
MAX_INT_DIGITS = 100
"""Longest integer accepted (no setting needs more; Python refuses to convert over 4300)."""


class StrictLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` with the differences listed in the module docstring."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _TIMESTAMP)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: list[object] = []
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.append(key)
        return super().construct_mapping(node, deep)

    def construct_bounded_int(self, node: ScalarNode) -> int:
        """An integer, refused (with its position) when longer than MAX_INT_DIGITS."""
        text = str(self.construct_scalar(node))
        if len(text.lstrip("+-")) > MAX_INT_DIGITS:
            raise ConstructorError(None, None, f"an integer of {len(text)} characters is too "
                                   f"large (at most {MAX_INT_DIGITS} digits)", node.start_mark)
        return int(super().construct_yaml_int(node))


StrictLoader.add_constructor(_INT, StrictLoader.construct_bounded_int)


StrictLoader.add_implicit_resolver(
    _INT,
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|0b[01_]+)$"),
    list("-+0123456789"),
)


def parse_yaml(text: str, source: str) -> object:
    """The single YAML document in `text`; `ConfigError` naming `source` when it is invalid."""
    try:
        return yaml.load(text, Loader=StrictLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = error.problem or error.context or "unreadable"
        raise ConfigError(source, None, detail=f"{where}invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ConfigError(source, None, detail=f"invalid YAML: {error}") from None
    except RecursionError:
        raise ConfigError(source, None, detail="invalid YAML: nested too deeply") from None
    except ValueError as error:  # a scalar no constructor could convert
        raise ConfigError(source, None, detail=f"invalid YAML: {error}") from None
