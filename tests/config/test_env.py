"""`EVIDENCE_*` overrides: they win over the file, and their errors name the variable."""

from __future__ import annotations

import os

import pytest

from config import load_config
from tests.config.conftest import Fail, Load

FILE = "aws:\n  regions: [us-east-1]\n  max_workers: 2\n"


def test_nested_overrides_win_over_the_file(load: Load) -> None:
    loaded = load(
        FILE,
        {
            "EVIDENCE_AWS__REGIONS": "[us-east-1, eu-west-1]",
            "EVIDENCE_AWS__ENDPOINT_URL": "http://localhost:5000",
            "EVIDENCE_AWS__MAX_WORKERS": "4",
            "EVIDENCE_AWS__ORGANIZATION": "true",
        },
    )
    aws = loaded.settings.aws
    assert aws.regions == ("us-east-1", "eu-west-1")
    assert aws.endpoint_url == "http://localhost:5000"
    assert aws.max_workers == 4
    assert aws.organization is True
    assert loaded.env_overrides["EVIDENCE_AWS__MAX_WORKERS"] == ("aws", "max_workers")


def test_database_url_from_either_variable(load: Load) -> None:
    url = "postgresql+psycopg://evidence:p#ss@db:5432/evidence"  # '#' must not start a comment
    assert load(None, {"EVIDENCE_DB_URL": url}).settings.database_url == url
    assert load(None, {"EVIDENCE_DATABASE_URL": url}).settings.database_url == url
    both = {"EVIDENCE_DB_URL": url, "EVIDENCE_DATABASE_URL": url}
    assert load(None, both).settings.database_url == url


def test_conflicting_database_urls(fail: Fail) -> None:
    env = {"EVIDENCE_DB_URL": "sqlite:///a.db", "EVIDENCE_DATABASE_URL": "sqlite:///b.db"}
    assert fail(None, env) == (
        "EVIDENCE_DB_URL: conflicts with EVIDENCE_DATABASE_URL (set only one of them)"
    )


def test_schedule_is_taken_verbatim(load: Load) -> None:
    # As YAML, '*/15 ...' would be an alias and fail to parse.
    settings = load(None, {"EVIDENCE_SCHEDULE": "*/15 * * * *"}).settings
    assert settings.schedule == "*/15 * * * *"


def test_override_creates_a_missing_section(load: Load) -> None:
    env = {
        "EVIDENCE_GCP__SCOPES": "[projects/acme-prod]",
        "EVIDENCE_AZURE__CLOUD": "AzureChinaCloud",
    }
    settings = load("gcp:\n", env).settings
    assert settings.gcp is not None and settings.gcp.scopes == ("projects/acme-prod",)
    assert settings.azure is not None and settings.azure.cloud == "AzureChinaCloud"


def test_deep_override_into_check_params(load: Load) -> None:
    env = {"EVIDENCE_CHECKS__PARAMS__AWS_CLOUDWATCH_LOG_GROUP_RETENTION__MIN_DAYS": "400"}
    text = "checks:\n  params:\n    aws_cloudwatch_log_group_retention: {min_days: 365, x: a}\n"
    params = load(text, env).settings.checks.params
    assert params["aws_cloudwatch_log_group_retention"] == {"min_days": 400, "x": "a"}


def test_whole_section_then_one_key(load: Load) -> None:
    env = {"EVIDENCE_AWS": "{regions: all, max_workers: 3}", "EVIDENCE_AWS__MAX_WORKERS": "5"}
    aws = load(FILE, env).settings.aws
    assert (aws.regions, aws.max_workers) == ("all", 5)


@pytest.mark.parametrize("value", ["", "null", "~"])
def test_empty_unsets_an_optional_text_setting(load: Load, value: str) -> None:
    text = "aws:\n  endpoint_url: http://localhost:5000\n"
    assert load(text, {"EVIDENCE_AWS__ENDPOINT_URL": value}).settings.aws.endpoint_url is None


def test_text_settings_are_not_read_as_yaml(load: Load) -> None:
    # As YAML, `no` would be false.
    assert load(None, {"EVIDENCE_AWS__ROLE_NAME": "no"}).settings.aws.role_name == "no"


def test_override_changes_the_hash(load: Load) -> None:
    assert load(FILE).config_hash != load(FILE, {"EVIDENCE_AWS__MAX_WORKERS": "3"}).config_hash
    assert load(FILE).config_hash == load(FILE, {"EVIDENCE_AWS__MAX_WORKERS": "2"}).config_hash


BAD = {
    "wrong type": (
        {"EVIDENCE_AWS__MAX_WORKERS": "x"},
        "EVIDENCE_AWS__MAX_WORKERS: expected an integer between 1 and 64, got 'x'",
    ),
    "bad list item": (
        {"EVIDENCE_AWS__REGIONS": "[us-east-1, eu-west]"},
        "EVIDENCE_AWS__REGIONS: aws.regions[1]: expected an AWS region name like us-east-1,"
        " got 'eu-west'",
    ),
    "bad text value": (
        {"EVIDENCE_AZURE__TENANT_ID": "contoso"},
        "EVIDENCE_AZURE__TENANT_ID: expected a GUID like 00000000-0000-0000-0000-000000000000,"
        " got 'contoso'",
    ),
    "invalid YAML": (
        {"EVIDENCE_AWS__REGIONS": "[us-east-1"},
        "EVIDENCE_AWS__REGIONS: line 1, column 11: invalid YAML: expected ',' or ']',"
        " but got '<stream end>'",
    ),
    "typo in a key": (
        {"EVIDENCE_AWS__REGOINS": "[us-east-1]"},
        "EVIDENCE_AWS__REGOINS: names no setting: aws.regoins is not one of enabled, regions,"
        " accounts, organization, role_name, endpoint_url, max_workers, home_region;"
        " did you mean 'regions'?",
    ),
    "single underscore between levels": (
        {"EVIDENCE_AWS_MAX_WORKERS": "4"},
        "EVIDENCE_AWS_MAX_WORKERS: names no setting: aws_max_workers is not one of"
        " database_url, schedule, soc2, aws, gcp, azure, checks, signing_key, controls, notify,"
        " risks, anchor;"
        " levels are separated by '__': EVIDENCE_AWS__MAX_WORKERS?",
    ),
    "unknown top-level name": (
        {"EVIDENCE_VERBOSE": "1"},
        "EVIDENCE_VERBOSE: names no setting: verbose is not one of database_url, schedule,"
        " soc2, aws, gcp, azure, checks, signing_key, controls, notify, risks, anchor",
    ),
    "one item of a list": (
        {"EVIDENCE_AWS__REGIONS__0": "us-east-1"},
        "EVIDENCE_AWS__REGIONS__0: aws.regions is a list: set it whole,"
        " e.g. EVIDENCE_AWS__REGIONS='[a, b]'",
    ),
    "below a single value": (
        {"EVIDENCE_SCHEDULE__HOUR": "3"},
        "EVIDENCE_SCHEDULE__HOUR: schedule has no keys below it",
    ),
    "empty level": (
        {"EVIDENCE_AWS____MAX_WORKERS": "3"},
        "EVIDENCE_AWS____MAX_WORKERS: empty key between '__' separators",
    ),
}


@pytest.mark.parametrize("env, message", BAD.values(), ids=BAD.keys())
def test_override_errors_name_the_variable(fail: Fail, env: dict[str, str], message: str) -> None:
    assert fail(FILE, env) == message


def test_file_section_that_is_not_a_mapping(fail: Fail) -> None:
    assert fail("aws: [us-east-1]\n", {"EVIDENCE_AWS__MAX_WORKERS": "3"}) == (
        "evidence.yaml: aws: expected a mapping (EVIDENCE_AWS__MAX_WORKERS sets a key in it),"
        " got a list"
    )


def test_file_errors_still_name_the_file(fail: Fail) -> None:
    message = fail("aws:\n  home_region: nowhere\n", {"EVIDENCE_AWS__MAX_WORKERS": "3"})
    assert message.startswith("evidence.yaml: aws.home_region: ")


@pytest.mark.parametrize(
    "name",
    ["EVIDENCE_CONFIG", "EVIDENCE_TEST_PG_URL", "EVIDENCE_TEST_SKIP_PG",
     # Kubernetes service links, injected for a Service named `evidence-db` or `evidence`:
     "EVIDENCE_DB_SERVICE_HOST", "EVIDENCE_DB_SERVICE_PORT", "EVIDENCE_DB_PORT",
     "EVIDENCE_DB_PORT_5432_TCP", "EVIDENCE_DB_PORT_5432_TCP_ADDR", "EVIDENCE_SERVICE_PORT_HTTP",
     "EVIDENCE_PORT"],
)
def test_variables_that_are_not_settings_are_ignored(load: Load, name: str) -> None:
    env = {name: "tcp://10.0.0.1:5432", "EVIDENCE_CONFIG": "evidence.yaml"}
    loaded = load(FILE, env)
    assert loaded.env_overrides == {}


def test_other_variables_are_ignored(load: Load) -> None:
    assert load(FILE, {"HOME": "/root", "AWS_REGION": "x", "EVIDENCEX": "1"}).env_overrides == {}


def test_origin_names_who_set_a_key(load: Load) -> None:
    env = {"EVIDENCE_CHECKS__PARAMS__A_CHECK": "{n: 1}"}
    loaded = load("checks:\n  params:\n    b_check: {n: 2}\n", env)
    assert loaded.origin("checks", "params", "a_check", "n") == "EVIDENCE_CHECKS__PARAMS__A_CHECK"
    assert loaded.origin("checks", "params", "b_check") == "evidence.yaml"
    assert load(None).origin("aws") == "evidence.yaml"


def test_os_environ_is_the_default(in_tmp: object, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("EVIDENCE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("EVIDENCE_AWS__MAX_WORKERS", "7")
    assert load_config().settings.aws.max_workers == 7
