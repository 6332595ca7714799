"""Redaction by field shape (collector.cloud.normalise + redaction): which shapes are hashed,
what is kept, and where the key comes from."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from collector.cloud import redaction
from collector.cloud.gcp import _normalise_page
from collector.cloud.normalise import REDACTED, normalise, normalise_response
from collector.cloud.redaction import KEY_ENV, PREFIX, keyed_hash, looks_secret

SECRET = "s3cr3t-planted-value"


@pytest.fixture(autouse=True)
def fixed_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "unit-test-redaction-key-000000000")


def hashed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX) and len(value) == len(PREFIX) + 16


@pytest.mark.parametrize("name", ["db_password", "DB_PASSWORD", "adminPassword", "passwd",
                                  "client_secret", "ClientSecret", "api_key", "apiKey", "APIKEY",
                                  "x-api-key", "private_key", "privateKey", "GITHUB_TOKEN",
                                  "credential", "Credentials", "connection_string",
                                  "ConnectionString", "storageAccountKey", "sasToken"])
def test_secret_looking_names(name: str) -> None:
    assert looks_secret(name)


@pytest.mark.parametrize("name", ["PasswordLastUsed", "password_enabled", "HttpTokens",
                                  "SecretArn", "MinimumPasswordLength", "KmsKeyId", "AccessKeyId",
                                  "passwordValidationPolicy", "requireSsl", "env", "name"])
def test_names_that_only_mention_a_secret_are_not_secret(name: str) -> None:
    assert not looks_secret(name)


def test_ecs_environment_and_lowercase_tags() -> None:
    body = {"taskDefinition": {"containerDefinitions": [{"name": "app", "environment": [
        {"name": "DB_URL", "value": SECRET}]}]},
            "tags": [{"key": "db_password", "value": SECRET}, {"key": "team", "value": "sre"}]}

    out = normalise_response("ecs", "describe_task_definition", body)

    env = out["taskDefinition"]["containerDefinitions"][0]["environment"][0]
    assert env["name"] == "DB_URL" and hashed(env["value"])
    assert env["value"] == keyed_hash(SECRET)  # equal secrets compare equal
    assert hashed(out["tags"][0]["value"]) and out["tags"][1] == {"key": "team", "value": "sre"}


def test_cloudformation_parameters_outputs_and_template() -> None:
    body = {"Stacks": [{"StackName": "s", "Parameters": [
        {"ParameterKey": "DbUser", "ParameterValue": SECRET}],
        "Outputs": [{"OutputKey": "Url", "OutputValue": SECRET, "Description": "d"}]}]}
    out = normalise_response("cloudformation", "describe_stacks", body)
    stack = out["Stacks"][0]
    assert stack["Parameters"][0]["ParameterKey"] == "DbUser"
    assert hashed(stack["Parameters"][0]["ParameterValue"])
    assert hashed(stack["Outputs"][0]["OutputValue"]) and stack["Outputs"][0]["Description"] == "d"
    template = normalise_response("cloudformation", "get_template",
                                  {"TemplateBody": {"Resources": {"X": {"Password": SECRET}}}})
    assert hashed(template["TemplateBody"])


def test_other_services_parameter_values_are_settings_and_kept() -> None:
    body = {"Parameters": [{"ParameterName": "rds.force_ssl", "ParameterValue": "1"}]}
    assert normalise_response("rds", "describe_db_parameters", body) == body


def test_tag_maps_labels_and_known_secret_keys() -> None:
    out = normalise({"tags": {"db_password": SECRET, "env": "prod"}, "Password": SECRET,
                     "PasswordLastUsed": "2026-01-01", "HttpTokens": "required",
                     "Tags": [{"Key": "Environment", "Value": "prod"}]})
    assert hashed(out["tags"]["db_password"]) and out["tags"]["env"] == "prod"
    assert out["Password"] == REDACTED  # the existing redaction stays as it was
    assert out["PasswordLastUsed"] == "2026-01-01" and out["HttpTokens"] == "required"
    assert out["Tags"] == [{"Key": "Environment", "Value": "prod"}]


def test_azure_app_settings_and_gcp_env_shapes() -> None:
    settings = normalise({"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/"
                                "app/config/appsettings", "name": "appsettings",
                          "type": "Microsoft.Web/sites/config",
                          "properties": {"DB_CONN": SECRET, "WEBSITE_RUN_FROM_PACKAGE": "1"}})
    assert set(settings["properties"]) == {"DB_CONN", "WEBSITE_RUN_FROM_PACKAGE"}
    assert all(hashed(v) for v in settings["properties"].values())
    site = normalise({"properties": {"siteConfig": {"appSettings": [
        {"name": "X", "value": SECRET}]}}})
    assert hashed(site["properties"]["siteConfig"]["appSettings"][0]["value"])
    page = _normalise_page({"assets": [{"name": "//run.googleapis.com/x", "resource": {"data": {
        "template": {"containers": [{"env": [{"name": "K", "value": SECRET},
                                             {"name": "R", "valueSource": {"secretKeyRef": {
                                                 "secret": "s", "version": "1"}}}]}]},
        "environmentVariables": {"K": SECRET}, "labels": {"api_key": SECRET}}}}]})
    data = page["assets"][0]["resource"]["data"]
    assert hashed(data["template"]["containers"][0]["env"][0]["value"])
    assert data["template"]["containers"][0]["env"][1]["valueSource"]["secretKeyRef"][
        "version"] == "1"
    assert hashed(data["environmentVariables"]["K"]) and hashed(data["labels"]["api_key"])
    assert SECRET not in repr(page)


def test_docker_style_env_strings_keep_names() -> None:
    out = normalise({"Env": [f"TOKEN={SECRET}", "PATH=/bin"]})
    assert out["Env"][0].startswith("TOKEN=" + PREFIX) and SECRET not in repr(out)


def test_the_key_changes_the_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    before = keyed_hash(SECRET)
    monkeypatch.setenv(KEY_ENV, "another-key-entirely-00000000000")
    assert keyed_hash(SECRET) != before and hashed(keyed_hash(SECRET))


def test_without_the_variable_a_key_file_is_made_once_and_private(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(KEY_ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))

    first = keyed_hash(SECRET)
    path = tmp_path / "evidence" / "redaction.key"
    assert path.exists() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    redaction._keys.clear()  # a new process reads the same file
    assert keyed_hash(SECRET) == first
    assert SECRET not in path.read_text()


def test_a_variable_named_name_does_not_unhash_its_neighbours() -> None:
    out = normalise({"Environment": {"Variables": {"Name": "app", "OTHER": SECRET}}})
    assert hashed(out["Environment"]["Variables"]["OTHER"])
    assert hashed(out["Environment"]["Variables"]["Name"])
