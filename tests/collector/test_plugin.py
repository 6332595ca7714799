"""The plugin API: the decorator, discovery through entry points, duplicate ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.model import Result, Status
from collector.plugin import (
    CheckDefinitionError,
    DuplicateCheckError,
    Scoping,
    check,
    discover,
)
from tests.conftest import Moto, by_resource
from tests.support.plugins import FIXTURES, install_dist_info


def test_decorator_takes_title_from_docstring_and_params_from_signature() -> None:
    @check(id="aws_x_thing", criteria=("CC6.1",), permissions=("x:Get",))
    def thing(ctx: object, *, min_days: int = 30, ports: tuple[int, ...] = (22,)) -> list[Result]:
        """Things are configured well.

        More words for auditors.
        """
        return []

    assert thing.title == "Things are configured well."
    assert thing.description == "More words for auditors."
    assert thing.defaults() == {"min_days": 30, "ports": (22,)}
    assert [p.kind for p in thing.params] == [int, tuple]


@pytest.mark.parametrize(
    ("check_id", "declared", "scoping"),
    [("aws_x", None, "regional"), ("aws_x", "global", "global"), ("gcp_x", None, "global"),
     ("azure_x", None, "global"), ("gcp_x", "regional", "regional")],
)
def test_scoping_defaults_to_the_providers(check_id: str, declared: Scoping | None,
                                           scoping: str) -> None:
    """AWS reads region by region; GCP and Azure through one global API per scope."""
    def f(ctx: object) -> list[Result]:
        """Title."""
        return []

    made = check(id=check_id, criteria=("CC6.1",), permissions=("x:Get",), scoping=declared)(f)
    assert made.scoping == scoping


@pytest.mark.parametrize(
    ("kwargs", "doc", "message"),
    [
        ({"id": "oracle_x"}, "Title.", "must start with aws_"),
        ({"id": "aws_x"}, "", "needs a docstring"),
        ({"id": "aws_x", "criteria": ()}, "Title.", "must name criteria"),
    ],
)
def test_bad_declarations_are_refused(kwargs: dict[str, object], doc: str, message: str) -> None:
    def f(ctx: object) -> list[Result]:
        return []

    f.__doc__ = doc
    args = {"criteria": ("CC6.1",), "permissions": ("x:Get",), **kwargs}
    with pytest.raises(CheckDefinitionError, match=message):
        check(**args)(f)  # type: ignore[arg-type]


def test_builtin_checks_are_discovered_through_the_entry_point() -> None:
    registry = discover()
    kms = registry.get("aws_kms_cmk_rotation_enabled")
    assert kms.origin.startswith("cloud-evidence-collector ")
    assert "checks.aws.kms_cmk_rotation_enabled" in kms.origin


def test_third_party_package_is_discovered_and_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moto: Moto
) -> None:
    install_dist_info(tmp_path, "acme-evidence-checks", {"acme": "acme_evidence_checks"})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(FIXTURES))

    registry = discover()

    acme = registry.get("aws_acme_bucket_owner_tagged")
    assert acme.origin == "acme-evidence-checks 1.0 (acme_evidence_checks)"
    assert "aws_kms_cmk_rotation_enabled" in registry.checks  # built-ins still there
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="tagged")
    s3.put_bucket_tagging(Bucket="tagged", Tagging={"TagSet": [{"Key": "owner", "Value": "sre"}]})
    s3.create_bucket(Bucket="untagged")
    results = by_resource(moto.run(acme))
    assert results["arn:aws:s3:::tagged"].status is Status.PASS
    assert results["arn:aws:s3:::untagged"].status is Status.FAIL


def test_duplicate_id_is_a_hard_error_naming_both_origins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_dist_info(tmp_path, "impostor-checks", {"dup": "duplicate_checks"})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(FIXTURES))

    with pytest.raises(DuplicateCheckError) as err:
        discover()

    text = str(err.value)
    assert "aws_kms_cmk_rotation_enabled" in text
    assert "cloud-evidence-collector" in text
    assert "impostor-checks 1.0 (duplicate_checks)" in text
