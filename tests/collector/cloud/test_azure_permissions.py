"""`evidence permissions --provider azure`: roles, Graph permissions, an exact custom role."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from collector.permissions.azure import DISCOVERY_ACTIONS, render
from collector.plugin import discover
from tests.support.cli import run_cli

AZURE = [c for c in discover() if c.provider == "azure"]


def role_json(text: str) -> dict[str, object]:
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    parsed: dict[str, object] = json.loads(body)
    return parsed


def test_custom_role_has_exactly_the_declared_arm_actions() -> None:
    text = render(AZURE)
    role = role_json(text)
    declared = {p for c in AZURE for p in c.permissions if not p.startswith("graph:")}
    assert role["Actions"] == sorted(declared | set(DISCOVERY_ACTIONS))
    assert role["IsCustom"] is True and role["DataActions"] == []
    assert all(str(a).endswith("/read") for a in role["Actions"])
    assert "Reader" in text and "Security Reader" in text
    assert "Policy.Read.All, User.Read.All" in text


def test_narrow_selection_narrows_roles_and_graph(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "evidence.yaml"
    sub = "aaaaaaaa-0000-0000-0000-000000000001"
    config.write_text(yaml.safe_dump({"azure": {"subscriptions": [sub]}}))
    res = run_cli(capsys, "--config", str(config), "permissions", "--provider", "azure",
                  "--check", "azure_keyvault_recoverable")
    assert res.code == 0, res.err
    role = role_json(res.out)
    assert role["Actions"] == ["Microsoft.KeyVault/vaults/read",
                               "Microsoft.ResourceGraph/resources/read",
                               "Microsoft.Resources/subscriptions/read"]
    assert role["AssignableScopes"] == [f"/subscriptions/{sub}"]
    assert "Security Reader" not in res.out and "Microsoft Graph" not in res.out
