"""`evidence export -o s3://...`: the bundle lands under S3 Object Lock (COMPLIANCE) — moto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.collector.export.conftest import END, START, Estate, export_bytes
from tests.conftest import Moto
from tests.support.cli import run_cli, write_config

Capsys = pytest.CaptureFixture[str]


def test_upload_is_locked_in_compliance_mode(moto: Moto, estate: Estate, tmp_path: Path,
                                             capsys: Capsys) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="evidence-bundles", ObjectLockEnabledForBucket=True)
    config = write_config(tmp_path / "evidence.yaml", moto.endpoint)
    before = datetime.now(UTC)
    res = run_cli(capsys, "--config", str(config), "--db", estate.url, "export", "--from",
                  str(START), "--to", str(END), "-o", "s3://evidence-bundles/2026/h1.zip",
                  "--retention-days", "30")
    assert res.code == 0, res.err
    assert "s3://evidence-bundles/2026/h1.zip" in res.out and "COMPLIANCE" in res.out
    head = s3.head_object(Bucket="evidence-bundles", Key="2026/h1.zip")
    assert head["ObjectLockMode"] == "COMPLIANCE"
    until = head["ObjectLockRetainUntilDate"]
    assert before + timedelta(days=30) - timedelta(minutes=5) <= until
    assert until <= datetime.now(UTC) + timedelta(days=30, minutes=5)
    body = s3.get_object(Bucket="evidence-bundles", Key="2026/h1.zip")["Body"].read()
    assert body == export_bytes(estate.url, None), "the uploaded bundle is the bundle"
    with pytest.raises(ClientError) as denied:
        s3.delete_object(Bucket="evidence-bundles", Key="2026/h1.zip",
                         VersionId=head["VersionId"])
    assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_bucket_without_object_lock_is_an_error_with_the_code(moto: Moto, estate: Estate,
                                                              tmp_path: Path,
                                                              capsys: Capsys) -> None:
    moto.client("s3").create_bucket(Bucket="plain-bucket")
    config = write_config(tmp_path / "evidence.yaml", moto.endpoint)
    res = run_cli(capsys, "--config", str(config), "--db", estate.url, "export", "--from",
                  str(START), "--to", str(END), "-o", "s3://plain-bucket/b.zip")
    assert res.code == 2 and "Traceback" not in res.err
    assert "s3://plain-bucket/b.zip" in res.err and "kept at" in res.err
    kept = Path(res.err.split("kept at ")[1].rstrip(")\n "))
    assert kept.exists()
    kept.unlink()


def test_missing_bucket_names_the_provider_error(moto: Moto, estate: Estate, tmp_path: Path,
                                                 capsys: Capsys) -> None:
    config = write_config(tmp_path / "evidence.yaml", moto.endpoint)
    res = run_cli(capsys, "--config", str(config), "--db", estate.url, "export", "--from",
                  str(START), "--to", str(END), "-o", "s3://no-such-bucket/b.zip")
    assert res.code == 2 and "NoSuchBucket" in res.err
    Path(res.err.split("kept at ")[1].rstrip(")\n ")).unlink()
