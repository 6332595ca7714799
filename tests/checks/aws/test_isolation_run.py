"""A run in which one resource's read is denied is `partial` (exit 3), and the other resources
keep their verdicts: `evidence collect` against moto behind a proxy denying one key's read."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.results import result_rows
from tests.collector.cloud.test_aws_accounts import collect
from tests.conftest import Moto
from tests.fakes.throttle_proxy import ThrottleProxy, json_error


def test_one_denied_key_makes_the_run_partial_and_spares_the_other_key(
    moto: Moto, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kms = moto.client("kms")
    rotating = kms.create_key(Description="rotating")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rotating["KeyId"])
    locked = kms.create_key(Description="policy does not grant the auditor")["KeyMetadata"]
    deny = json_error("GetKeyRotationStatus", "AccessDeniedException", times=None,
                      match=locked["KeyId"], message="not authorized by the key policy")
    with ThrottleProxy(moto.endpoint, [deny]) as proxy:
        code, summary, _, repo = collect(
            capsys, tmp_path, {"regions": ["us-east-1"], "endpoint_url": proxy.endpoint},
            "--check=aws_kms_cmk_rotation_enabled")

    assert code == 3, summary
    assert proxy.fired["GetKeyRotationStatus"] >= 1
    run = repo.get_run(summary["run_id"])
    rows = {r.resource_id: r for r in result_rows(repo, run)}
    assert rows[rotating["Arn"]].status == "pass"
    assert rows[locked["Arn"]].status == "error"
    assert rows[locked["Arn"]].error_code == "AccessDeniedException"
    assert "kms:get_key_rotation_status" in rows[locked["Arn"]].message
    assert set(rows) == {rotating["Arn"], locked["Arn"]}
