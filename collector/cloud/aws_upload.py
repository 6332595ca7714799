"""Uploading a bundle to S3 under Object Lock (WORM) retention in COMPLIANCE mode.

The bucket must have been created with Object Lock enabled. In COMPLIANCE mode nobody, the root
user included, can delete or overwrite that object version until the retention date passes, so
the bundle handed to the auditor stays provably unaltered. Multipart uploads, retries and the
checksum the lock requires are botocore's (this is the only place that touches the SDK).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError

from collector.cloud.aws_wire import client_config

S3_URL = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(?P<key>.+)$")
LOCK_MODE = "COMPLIANCE"


class UploadError(Exception):
    """The upload failed; the message carries the provider's error code."""


@dataclass(frozen=True)
class S3Target:
    """Where a bundle goes."""

    bucket: str
    key: str

    @classmethod
    def parse(cls, url: str) -> S3Target:
        """``s3://bucket/key`` -> S3Target; ValueError naming what is wrong."""
        match = S3_URL.match(url)
        if not match:
            raise ValueError(f"{url!r} is not s3://BUCKET/KEY (a valid bucket name and a key)")
        return cls(match["bucket"], match["key"])

    def __str__(self) -> str:
        """The s3:// URL."""
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True)
class Uploaded:
    """The stored object version and how long it is locked."""

    version_id: str | None
    retain_until: datetime


def upload_locked(path: Path, target: S3Target, *, retention_days: int, tool_version: str,
                  endpoint_url: str | None = None, region: str | None = None,
                  now: datetime | None = None) -> Uploaded:
    """Upload ``path`` to ``target`` locked in COMPLIANCE mode for ``retention_days``."""
    if retention_days < 1:
        raise ValueError("retention days must be at least 1")
    until = (now or datetime.now(UTC)).replace(microsecond=0) + timedelta(days=retention_days)
    client = boto3.session.Session().client(
        "s3", region_name=region, endpoint_url=endpoint_url,
        config=client_config(4, tool_version))
    try:
        client.upload_file(
            str(path), target.bucket, target.key,
            ExtraArgs={"ObjectLockMode": LOCK_MODE, "ObjectLockRetainUntilDate": until,
                       "ContentType": "application/zip", "ChecksumAlgorithm": "SHA256"},
            Config=TransferConfig(multipart_threshold=64 << 20, multipart_chunksize=64 << 20))
        head = client.head_object(Bucket=target.bucket, Key=target.key)
    except ClientError as e:
        err = e.response.get("Error", {})
        raise UploadError(f"{target}: {err.get('Code', 'Error')}: {err.get('Message', e)}") from e
    except S3UploadFailedError as e:  # boto3 wraps the ClientError's code in its message
        raise UploadError(f"{target}: {e}") from e
    except (BotoCoreError, OSError) as e:
        raise UploadError(f"{target}: {type(e).__name__}: {e}") from e
    if head.get("ObjectLockMode") != LOCK_MODE:
        raise UploadError(f"{target}: uploaded, but the object is not locked (is Object Lock "
                          "enabled on the bucket?)")
    return Uploaded(head.get("VersionId"), until)
