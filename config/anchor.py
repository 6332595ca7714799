"""`anchor:` settings: where each sealed run's checkpoint is published outside the database.

    anchor:
      file: /var/lib/evidence/checkpoints.jsonl   # append-only JSON lines, 0600
      s3:                                          # an S3 bucket with Object Lock
        bucket: acme-evidence-anchor
        prefix: checkpoints/
        region: us-east-1
        retention_days: 400                        # COMPLIANCE-mode retention of each object

A structured log line (logger ``evidence.anchor``) is written for every checkpoint whatever is
configured, so a log system holds them too.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict

from config.fields import FilePath, Text, Url, invalid, is_int


def _retention(value: object) -> int:
    if not is_int(value) or not 1 <= value <= 36500:
        invalid("a number of days between 1 and 36500")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class S3AnchorSettings(_Model):
    """An S3 bucket created with Object Lock enabled: one locked object per checkpoint."""

    bucket: Text
    prefix: str = "evidence-checkpoints/"
    """Key prefix; the object key is ``<prefix><seq, 12 digits>.json``."""
    region: Text | None = None
    endpoint_url: Url | None = None
    """Another S3 endpoint (tests, S3-compatible stores)."""
    retention_days: Annotated[int, BeforeValidator(_retention)] = 400
    """Each checkpoint object is locked in COMPLIANCE mode for this many days."""


class AnchorSettings(_Model):
    """Where checkpoints go besides the log (none configured: the log line only)."""

    file: FilePath | None = None
    """An append-only JSON-lines file (created 0600, opened O_APPEND|O_NOFOLLOW)."""
    s3: S3AnchorSettings | None = None
