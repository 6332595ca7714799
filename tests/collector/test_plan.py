"""What a run executes: checks chosen by config and command line, parameters validated with
one line naming the file and the key, list values handed to checks as tuples."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.plan import Selection, params_for, select_checks
from collector.plugin import Registry, discover
from config.loader import ConfigError, LoadedConfig, load_config


@pytest.fixture(scope="module")
def registry() -> Registry:
    return discover()


def loaded(tmp_path: Path, text: str) -> LoadedConfig:
    path = tmp_path / "evidence.yaml"
    path.write_text(text)
    return load_config(path, env={})


def refusal(registry: Registry, config: LoadedConfig) -> str:
    with pytest.raises(ConfigError) as caught:
        select_checks(registry, config, Selection())
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_config_and_command_line_narrow_the_checks(tmp_path: Path, registry: Registry) -> None:
    config = loaded(tmp_path, "checks:\n  include: ['aws_kms_*', 'aws_s3_*']\n"
                              "  exclude: [aws_s3_bucket_versioning_enabled]\n")

    every = {c.id for c in select_checks(registry, config, Selection())}
    kms = {c.id for c in select_checks(registry, config, Selection(checks=("aws_kms_*",)))}

    assert every and all(i.startswith(("aws_kms_", "aws_s3_")) for i in every)
    assert "aws_s3_bucket_versioning_enabled" not in every
    assert kms == {i for i in every if i.startswith("aws_kms_")} and kms != every


def test_an_unknown_parameter_names_the_key_and_the_known_ones(tmp_path: Path,
                                                                registry: Registry) -> None:
    config = loaded(tmp_path, "checks:\n  params:\n    aws_rds_multi_az: {prod_tags: [p]}\n")

    message = refusal(registry, config)

    assert "evidence.yaml" in message
    assert "checks.params.aws_rds_multi_az.prod_tags" in message
    assert "known: production_tags" in message


@pytest.mark.parametrize("value", ["'thirty'", "true", "[30]"])
def test_a_value_of_the_wrong_type_is_refused(tmp_path: Path, registry: Registry,
                                              value: str) -> None:
    config = loaded(tmp_path, "checks:\n  params:\n    aws_acm_certificate_not_expiring: "
                              f"{{min_days: {value}}}\n")

    message = refusal(registry, config)

    assert "checks.params.aws_acm_certificate_not_expiring.min_days" in message
    assert "a value of type int" in message


def test_a_criteria_override_must_name_an_installed_check(tmp_path: Path,
                                                          registry: Registry) -> None:
    config = loaded(tmp_path, "checks:\n  criteria:\n    aws_no_such_check: {add: [CC6.1]}\n")

    assert "checks.criteria.aws_no_such_check" in refusal(registry, config)


def test_list_values_reach_the_check_as_tuples(tmp_path: Path, registry: Registry) -> None:
    config = loaded(tmp_path, "checks:\n  params:\n    aws_rds_multi_az: "
                              "{production_tags: [env=prod, tier=1]}\n"
                              "    aws_acm_certificate_not_expiring: {min_days: 45}\n")
    select_checks(registry, config, Selection())  # valid: no error

    assert params_for(registry.get("aws_rds_multi_az"), config) == {
        "production_tags": ("env=prod", "tier=1")}
    assert params_for(registry.get("aws_acm_certificate_not_expiring"), config) == {
        "min_days": 45}
    assert params_for(registry.get("aws_kms_cmk_rotation_enabled"), config) == {}
