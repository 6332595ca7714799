"""Which file is read, what happens without one, YAML problems, and the config hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, Settings, load_config
from config.loader import config_hash
from tests.config.conftest import Fail, Load

EXAMPLE = Path(__file__).parents[2] / "config" / "evidence.example.yaml"


def test_example_loads_and_covers_every_key() -> None:
    loaded = load_config(EXAMPLE, env={})
    settings = loaded.settings
    assert loaded.source == EXAMPLE
    assert settings.aws.regions == ("us-east-1", "eu-west-1")
    assert settings.gcp is not None and settings.azure is not None
    assert [c.id for c in settings.controls] == ["AC-01", "BC-01", "HR-01"]
    assert settings.checks.params["aws_cloudwatch_log_group_retention"] == {"min_days": 365}

    def keys(model: object, prefix: str = "") -> set[str]:
        found: set[str] = set()
        for name in type(model).model_fields:  # type: ignore[attr-defined]
            found.add(prefix + name)
            value = getattr(model, name)
            if hasattr(type(value), "model_fields"):
                found |= keys(value, f"{prefix}{name}.")
        return found

    text = EXAMPLE.read_text()
    missing = {k for k in keys(settings) if f"{k.rpartition('.')[2]}:" not in text}
    assert not missing, f"the example does not show {sorted(missing)}"


def test_no_file_means_defaults(load: Load) -> None:
    loaded = load(None)
    assert loaded.source is None
    assert loaded.settings == Settings()
    assert loaded.settings.schedule == "0 3 * * *"
    assert loaded.settings.soc2.categories == ("security",)
    assert loaded.settings.aws.regions == "all"
    assert loaded.settings.aws.home_region == "us-east-1"
    assert loaded.settings.aws.max_workers == 8
    assert loaded.settings.checks.include == ("*",)
    assert loaded.settings.gcp is None and loaded.settings.azure is None


def test_empty_file_means_defaults(load: Load) -> None:
    loaded = load("# nothing configured yet\n")
    assert loaded.source == Path("evidence.yaml")
    assert loaded.settings == Settings()


def test_empty_value_means_the_default(load: Load) -> None:
    settings = load("aws:\n  regions:\n  max_workers:\nchecks:\ncontrols:\ngcp:\n").settings
    assert settings == Settings()


def test_explicit_path_that_does_not_exist(in_tmp: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(Path("missing.yaml"), env={})
    assert str(caught.value) == "missing.yaml: file not found"


def test_config_variable_naming_a_missing_file(in_tmp: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(env={"EVIDENCE_CONFIG": "/nowhere/evidence.yaml"})
    assert str(caught.value) == "/nowhere/evidence.yaml: file not found (named by EVIDENCE_CONFIG)"


def test_path_precedence(in_tmp: Path) -> None:
    (in_tmp / "evidence.yaml").write_text("aws: {max_workers: 1}\n")
    (in_tmp / "from-env.yaml").write_text("aws: {max_workers: 2}\n")
    (in_tmp / "given.yaml").write_text("aws: {max_workers: 3}\n")
    env = {"EVIDENCE_CONFIG": "from-env.yaml"}
    assert load_config(env={}).settings.aws.max_workers == 1
    assert load_config(env=env).settings.aws.max_workers == 2
    assert load_config(Path("given.yaml"), env=env).settings.aws.max_workers == 3


def test_directory_instead_of_file(in_tmp: Path) -> None:
    (in_tmp / "conf").mkdir()
    with pytest.raises(ConfigError, match=r"^conf: is a directory"):
        load_config(Path("conf"), env={})


def test_malformed_yaml_names_line_and_column(fail: Fail) -> None:
    message = fail("schedule: '0 3 * * *'\naws:\n  regions: [us-east-1\n  max_workers: 4\n")
    assert message.startswith("evidence.yaml: line 4, column 14: invalid YAML: ")


def test_bad_indentation(fail: Fail) -> None:
    message = fail("aws:\n  regions: all\n   max_workers: 4\n")
    assert message == (
        "evidence.yaml: line 3, column 15: invalid YAML: mapping values are not allowed here"
    )


def test_duplicate_key_is_an_error(fail: Fail) -> None:
    message = fail("aws:\n  regions: [us-east-1]\n  max_workers: 2\n  regions: all\n")
    assert message == "evidence.yaml: line 4, column 3: invalid YAML: duplicate key 'regions'"


@pytest.mark.parametrize(
    "text, got", [("- aws\n- gcp\n", "a list"), ("just text\n", "'just text'"), ("42\n", "42")]
)
def test_top_level_must_be_a_mapping(fail: Fail, text: str, got: str) -> None:
    assert fail(text) == (
        f"evidence.yaml: expected a mapping of settings at the top level, got {got}"
    )


def test_not_utf8(in_tmp: Path) -> None:
    (in_tmp / "evidence.yaml").write_bytes(b"schedule: '0 3 * * *'\ntitle: \xff\n")
    with pytest.raises(ConfigError, match=r"^evidence.yaml: not UTF-8 text"):
        load_config(env={})


def test_yaml_11_surprises_are_avoided(load: Load) -> None:
    text = "checks:\n  params:\n    c: {since: 2026-01-01, at: 12:30, code: 0755, n: 0x10}\n"
    params = load(text).settings.checks.params["c"]
    assert params == {"since": "2026-01-01", "at": "12:30", "code": "0755", "n": 16}


def test_settings_are_frozen(load: Load) -> None:
    settings = load(None).settings
    with pytest.raises(ValueError):
        settings.aws.max_workers = 2
    assert isinstance(settings.controls, tuple)


def test_security_is_always_in_scope_and_order_is_canonical(load: Load) -> None:
    settings = load("soc2:\n  categories: [privacy, availability, privacy]\n").settings
    assert settings.soc2.categories == ("security", "availability", "privacy")


HASH_BASE = """
schedule: "0 3 * * *"
aws:
  regions: [us-east-1, eu-west-1]
  max_workers: 4
checks:
  params:
    a_check: {min_days: 365, mode: strict}
    b_check: {limit: 2}
"""

HASH_SAME = """
checks:
  params:
    b_check:   {limit: 2}
    a_check:
      mode: strict
      min_days: 365
aws: {max_workers: 4, regions: [us-east-1, eu-west-1], enabled: true}   # default made explicit
schedule: "0  3 * * *"
"""


def test_config_hash_ignores_key_order_and_whitespace(load: Load) -> None:
    first = load(HASH_BASE).config_hash
    assert first == load(HASH_SAME).config_hash
    assert len(first) == 64 and int(first, 16) >= 0


@pytest.mark.parametrize(
    "old, new",
    [("max_workers: 4", "max_workers: 5"), ("min_days: 365", "min_days: 366"),
     ("[us-east-1, eu-west-1]", "[eu-west-1, us-east-1]")],
)
def test_config_hash_changes_with_a_value(load: Load, old: str, new: str) -> None:
    assert load(HASH_BASE).config_hash != load(HASH_BASE.replace(old, new)).config_hash


def test_config_hash_is_sha256_of_canonical_json(load: Load) -> None:
    import hashlib
    import json

    loaded = load(HASH_BASE)
    canonical = json.dumps(
        loaded.settings.model_dump(mode="json", exclude={"database_url"}), sort_keys=True,
        separators=(",", ":"),
    )
    assert loaded.config_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert config_hash(loaded.settings) == loaded.config_hash


def test_database_url_and_its_password_do_not_feed_the_hash(load: Load) -> None:
    a = load(HASH_BASE + "database_url: postgresql+psycopg://u:secret1@db/evidence\n")
    b = load(HASH_BASE + "database_url: postgresql+psycopg://u:secret2@db/evidence\n")
    assert a.config_hash == b.config_hash
