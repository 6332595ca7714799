"""Normalising responses: volatile facts dropped, secrets redacted, names kept."""

from collector.cloud.normalise import REDACTED, normalise, normalise_response, redact_params
from collector.cloud.redaction import PREFIX, keyed_hash


def test_volatile_request_facts_are_dropped_everywhere() -> None:
    body = {"ResponseMetadata": {"RequestId": "abc"}, "NextToken": "t",
            "Items": [{"Name": "a", "RequestId": "x"}]}
    assert normalise(body) == {"Items": [{"Name": "a"}]}


def test_secrets_are_redacted_but_their_presence_kept() -> None:
    body = {"SecretString": "s3cr3t", "Credentials": {"SecretAccessKey": "k", "SessionToken": "t",
                                                      "AccessKeyId": "AKIA"},
            "Environment": {"Variables": {"DB_PASSWORD": "pw", "STAGE": "prod"}},
            "Empty": {"Password": ""}}
    out = normalise(body)
    assert out["SecretString"] == REDACTED
    assert out["Credentials"] == {"SecretAccessKey": REDACTED, "SessionToken": REDACTED,
                                  "AccessKeyId": "AKIA"}
    assert out["Environment"] == {"Variables": {"DB_PASSWORD": keyed_hash("pw"),
                                                "STAGE": keyed_hash("prod")}}
    assert keyed_hash("pw").startswith(PREFIX)
    assert out["Empty"] == {"Password": ""}  # "no password" is evidence too


def test_operation_specific_rules() -> None:
    status = {"IsLogging": True, "LatestDeliveryTime": "2026-01-01T00:00:00Z"}
    assert normalise_response("cloudtrail", "get_trail_status", status) == {"IsLogging": True}
    assert normalise_response("ssm", "get_parameter", {"Parameter": {"Name": "n", "Value": "v"}}) \
        == {"Parameter": {"Name": "n", "Value": REDACTED}}
    assert normalise_response("ec2", "describe_tags", {"Value": "v"}) == {"Value": "v"}


def test_params_are_redacted_the_same_way() -> None:
    assert redact_params({"Password": "pw", "UserName": "u"}) == {"Password": REDACTED,
                                                                   "UserName": "u"}
