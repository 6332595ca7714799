"""Reading YAML for configuration: safe, strict about duplicates, no YAML 1.1 surprises.

Differences from `yaml.safe_load`, all to keep an operator's intent:
- a key given twice in one mapping is an error (PyYAML silently keeps the last one);
- numbers with a leading zero and `12:30`-style numbers stay strings (YAML 1.1 would read
  `012345670123` as an octal number and `12:30` as 750);
- dates stay strings (no setting is a date; a parameter value stays what was typed).
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode

from config.errors import ConfigError

_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


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
