"""Small helpers shared by Azure checks (no SDK: plain dicts from the context)."""

from __future__ import annotations

from typing import Any

GRAPH = "Microsoft.ResourceGraph/resources/read"
"""Every Resource Graph read needs this besides the read action of the resource type."""


def props(row: dict[str, Any]) -> dict[str, Any]:
    """A resource's `properties` (never None)."""
    value = row.get("properties")
    return value if isinstance(value, dict) else {}


def tls_at_least_12(version: object) -> bool:
    """TLS1_2 / 1.2 / TLSv1.2 and later; anything else (TLS1_0, None, "Disabled") is not."""
    digits = "".join(ch for ch in str(version or "") if ch.isdigit())
    return len(digits) >= 2 and (int(digits[0]), int(digits[1])) >= (1, 2)


def parent_of(resource_id: str, levels: int = 2) -> str:
    """The id of a resource's parent (`…/servers/s/databases/d` -> `…/servers/s`)."""
    return "/".join(resource_id.split("/")[:-levels])
