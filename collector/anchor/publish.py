"""Publishing a checkpoint after a run is sealed: the database, the configured anchors, the log.

:func:`checkpoint_now` makes the checkpoint of the current chain head (signed with
``signing_key`` when configured); :func:`publish` sends it to every anchor. A failed anchor is
logged as an error and does not undo or fail the sealed run; the next run's checkpoint covers
it (it names a later head of the same chain).

* **file**: one JSON line appended to ``anchor.file``, created 0600 and opened
  ``O_WRONLY|O_APPEND|O_CREAT|O_NOFOLLOW`` (a symlink there is refused), fsynced.
* **s3**: ``<prefix><seq, 12 digits>.json`` put with Object Lock in COMPLIANCE mode for
  ``retention_days`` (the bucket must have Object Lock enabled): nobody can delete or overwrite
  it until then.
* **log**: always, logger ``evidence.anchor``, message ``checkpoint`` with the checkpoint's
  fields as structured extras (and its JSON in the message for plain-text logs).
"""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from collector.anchor.checkpoint import make
from config.anchor import AnchorSettings, S3AnchorSettings
from config.settings import Settings
from storage import Repository, StorageError

logger = logging.getLogger("evidence.anchor")
LOCK_MODE = "COMPLIANCE"


class AnchorError(Exception):
    """An anchor could not take the checkpoint (one line)."""


def checkpoint_now(repo: Repository, settings: Settings,
                   now: datetime | None = None) -> dict[str, Any] | None:
    """The checkpoint of the chain head, signed when ``signing_key`` is set; ``None`` while
    nothing is sealed."""
    seq, head = repo.chain_head()
    if seq == 0 or head is None:
        return None
    sign = None
    if settings.signing_key:
        from collector.export.signing import load_private

        signer = load_private(Path(settings.signing_key))
        sign = (signer.sign, signer.fingerprint)
    return make(seq, head, now or datetime.now(UTC), sign)


def append_line(path: Path, checkpoint: dict[str, Any]) -> None:
    """Append the checkpoint as one JSON line (see the module docstring)."""
    line = (json.dumps(checkpoint, sort_keys=True, separators=(",", ":")) + "\n").encode()
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as e:
        raise AnchorError(f"anchor file {path}: {e.strerror or e}") from e
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise AnchorError(f"anchor file {path} is not a regular file")
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def put_s3(s3: S3AnchorSettings, checkpoint: dict[str, Any], now: datetime | None = None
           ) -> str | None:
    """Put the checkpoint as a locked object; return its version id."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    key = f"{s3.prefix}{checkpoint['seq']:012d}.json"
    until = (now or datetime.now(UTC)).replace(microsecond=0) + timedelta(days=s3.retention_days)
    client = boto3.session.Session().client("s3", region_name=s3.region,
                                            endpoint_url=s3.endpoint_url)
    where = f"s3://{s3.bucket}/{key}"
    try:
        done = client.put_object(
            Bucket=s3.bucket, Key=key, ContentType="application/json",
            Body=json.dumps(checkpoint, sort_keys=True).encode(), ChecksumAlgorithm="SHA256",
            ObjectLockMode=LOCK_MODE, ObjectLockRetainUntilDate=until)
    except ClientError as e:
        err = e.response.get("Error", {})
        raise AnchorError(f"{where}: {err.get('Code', 'Error')}: {err.get('Message', e)}") from e
    except BotoCoreError as e:
        raise AnchorError(f"{where}: {type(e).__name__}: {e}") from e
    version = done.get("VersionId")
    return str(version) if version else None


def publish(anchors: AnchorSettings, checkpoint: dict[str, Any]) -> list[str]:
    """Send ``checkpoint`` to the log and every configured anchor; return the one-line errors
    of the anchors that failed (each is also logged)."""
    logger.info("checkpoint %s", json.dumps(checkpoint, sort_keys=True),
                extra={"checkpoint": checkpoint, **{f"checkpoint_{k}": v
                                                    for k, v in checkpoint.items()}})
    failed: list[str] = []
    if anchors.file:
        try:
            append_line(Path(anchors.file), checkpoint)
        except AnchorError as e:
            failed.append(str(e))
    if anchors.s3 is not None:
        try:
            put_s3(anchors.s3, checkpoint)
        except AnchorError as e:
            failed.append(str(e))
    for reason in failed:
        logger.error("checkpoint %d not anchored: %s", checkpoint["seq"], reason)
    return failed


def after_seal(repo: Repository, settings: Settings) -> dict[str, Any] | None:
    """What the runner calls once a run is sealed: make, keep and publish the checkpoint of the
    chain head. Never raises for an anchor, key or database problem (it is logged)."""
    from collector.export.signing import SigningKeyError

    try:
        checkpoint = checkpoint_now(repo, settings)
        if checkpoint is None:
            return None
        repo.put_checkpoint(checkpoint)
    except (StorageError, SigningKeyError, OSError) as e:
        logger.error("no checkpoint was made after sealing: %s", e)
        return None
    publish(settings.anchor, checkpoint)
    return checkpoint
