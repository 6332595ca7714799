"""The demo's Azure estate: served by the fake, read through DefaultAzureCredential."""

from __future__ import annotations

import pytest

from collector.cloud.azure import AzureSubscription
from collector.cloud.azure_subscriptions import open_subscriptions
from collector.cloud.base import CallLog
from collector.demo.azure_estate import DEMO_ENV, PROD, start_azure_demo
from collector.model import Status
from collector.plugin import discover
from tests.support.memory_sink import MemorySink


def test_demo_estate_gives_every_azure_check_a_pass_and_a_fail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for var, value in DEMO_ENV.items():
        monkeypatch.setenv(var, value)
    demo = start_azure_demo(set_env=False)
    try:
        subs = list(open_subscriptions(demo.settings, MemorySink(), tool_version="test",
                                       retry_total=0))
        assert all(isinstance(s, AzureSubscription) for s in subs)
        assert subs[0].identity.startswith("evidence-demo")  # type: ignore[union-attr]
        seen: dict[str, set[Status]] = {}
        for sub in subs:
            assert isinstance(sub, AzureSubscription)
            for chk in (c for c in discover() if c.provider == "azure"):
                results = list(chk.run(sub.context("global", CallLog())))
                seen.setdefault(chk.id, set()).update(r.status for r in results)
    finally:
        demo.stop()
    assert len(seen) == 24
    for check_id, statuses in seen.items():
        assert Status.ERROR not in statuses, check_id
        if check_id not in ("azure_entra_mfa_enforced", "azure_sql_tde_enabled"):
            assert {Status.PASS, Status.FAIL} <= statuses, check_id
    assert PROD in {s.scope_id for s in subs if isinstance(s, AzureSubscription)}
