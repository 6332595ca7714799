"""Sharding a collection over several processes: a stable, disjoint share of the scopes each.

`evidence collect --shard I/N` collects only the scopes that shard I of N owns. Ownership is a
pure function of the provider and the scope id (sha256, not Python's salted `hash`), so every
pod of a Kubernetes Indexed Job agrees on the partition without talking to the others, the
partition does not change from one day to the next, and every scope belongs to exactly one
shard. Shards are decided before a scope is opened wherever its id is known up front (listed
AWS accounts); otherwise right after opening, before any check runs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")
EXPECTED = "INDEX/COUNT with 0 <= INDEX < COUNT, e.g. 0/4 ($JOB_COMPLETION_INDEX/4)"


class ShardError(ValueError):
    """A --shard value that is not INDEX/COUNT."""


def shard_of(provider: str, scope: str, count: int) -> int:
    """The shard (0..count-1) that owns `scope` of `provider`."""
    digest = hashlib.sha256(f"{provider}\0{scope}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % count


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count` (0-based, as Kubernetes' JOB_COMPLETION_INDEX)."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            raise ShardError(f"{self.index}/{self.count}: expected {EXPECTED}")

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`I/N` as given on the command line; ShardError when malformed."""
        match = _SPEC.fullmatch(text)
        if match is None:
            raise ShardError(f"{text!r}: expected {EXPECTED}")
        return cls(int(match[1]), int(match[2]))

    def owns(self, provider: str, scope: str) -> bool:
        """Whether this shard collects `scope` of `provider`."""
        return self.count == 1 or shard_of(provider, scope, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
