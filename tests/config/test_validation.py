"""Each bad input gives exactly one line naming the file, the key and what was expected."""

from __future__ import annotations

import pytest

from config import ConfigError
from tests.config.conftest import Fail, Load

ROLE = "arn:aws:iam::111111111111:role/EvidenceReader"
ARN_EXPECTED = "an IAM role ARN like arn:aws:iam::123456789012:role/Name"
GUID_EXPECTED = "a GUID like 00000000-0000-0000-0000-000000000000"
CRITERION_EXPECTED = "a SOC 2 criterion id from the catalog, e.g. CC6.1 (see `evidence criteria`)"

BAD = {
    "unknown top-level key": (
        "regoins: [us-east-1]\n",
        "evidence.yaml: regoins: unknown key (allowed: database_url, schedule, soc2, aws, gcp,"
        " azure, checks, signing_key, controls, notify, risks, anchor)",
    ),
    "unknown nested key": (
        "aws:\n  regoins: [us-east-1]\n",
        "evidence.yaml: aws.regoins: unknown key (allowed: enabled, regions, accounts,"
        " organization, role_name, endpoint_url, max_workers, home_region);"
        " did you mean 'regions'?",
    ),
    "unknown key in a list item": (
        f"aws:\n  accounts:\n    - {{id: '111111111111', role: {ROLE}}}\n",
        "evidence.yaml: aws.accounts[0].role: unknown key (allowed: id, role_arn, external_id);"
        " did you mean 'role_arn'?",
    ),
    "wrong type": (
        "aws:\n  max_workers: many\n",
        "evidence.yaml: aws.max_workers: expected an integer between 1 and 64, got 'many'",
    ),
    "out of range": (
        "aws:\n  max_workers: 65\n",
        "evidence.yaml: aws.max_workers: expected an integer between 1 and 64, got 65",
    ),
    "bool that is not": (
        "aws:\n  organization: 1\n",
        "evidence.yaml: aws.organization: expected true or false, got 1",
    ),
    "section that is not a mapping": (
        "aws: [us-east-1]\n",
        "evidence.yaml: aws: expected a mapping, got a list",
    ),
    "bad region": (
        "aws:\n  regions: [us-east-1, us-east]\n",
        "evidence.yaml: aws.regions[1]: expected an AWS region name like us-east-1, got 'us-east'",
    ),
    "bad home region": (
        "aws:\n  home_region: global\n",
        "evidence.yaml: aws.home_region: expected an AWS region name like us-east-1,"
        " got 'global'",
    ),
    "regions neither all nor a list": (
        "aws:\n  regions: 5\n",
        "evidence.yaml: aws.regions: expected \"all\" or a list of AWS region names like"
        " us-east-1, got 5",
    ),
    "bad role ARN": (
        "aws:\n  accounts:\n    - {id: '111111111111', role_arn: foo}\n",
        f"evidence.yaml: aws.accounts[0].role_arn: expected {ARN_EXPECTED}, got 'foo'",
    ),
    "role ARN in another account": (
        "aws:\n  accounts:\n"
        "    - {id: '111111111111', role_arn: 'arn:aws:iam::222222222222:role/R'}\n",
        "evidence.yaml: aws.accounts[0].role_arn: expected a role in account 111111111111"
        " (the account's id), got 'arn:aws:iam::222222222222:role/R'",
    ),
    "account id not 12 digits": (
        "aws:\n  accounts:\n    - {id: '1234'}\n",
        "evidence.yaml: aws.accounts[0].id: expected a 12-digit AWS account id"
        ' (quoted, e.g. "012345678901"), got \'1234\'',
    ),
    "account id too large": (
        "aws:\n  accounts:\n    - {id: 1234567890123}\n",
        "evidence.yaml: aws.accounts[0].id: expected a 12-digit AWS account id"
        ' (quoted, e.g. "012345678901"), got 1234567890123',
    ),
    "account listed twice": (
        "aws:\n  accounts:\n    - {id: 12345}\n    - {id: '000000012345'}\n",
        "evidence.yaml: aws.accounts[1].id: expected each account listed once,"
        " got '000000012345'",
    ),
    "endpoint not http(s)": (
        "aws:\n  endpoint_url: localhost:5000\n",
        "evidence.yaml: aws.endpoint_url: expected an http(s) URL like https://host:port,"
        " got 'localhost:5000'",
    ),
    "bad GCP scope": (
        "gcp:\n  scopes: [projects/acme-prod, project/acme]\n",
        "evidence.yaml: gcp.scopes[1]: expected organizations/<number>, folders/<number> or"
        " projects/<project-id>, got 'project/acme'",
    ),
    "GCP without scopes": (
        "gcp:\n  credentials_file: key.json\n",
        "evidence.yaml: gcp.scopes: required key missing",
    ),
    "bad GUID in subscriptions": (
        "azure:\n  subscriptions: [00000000-0000-0000-0000-00000000000g]\n",
        f"evidence.yaml: azure.subscriptions[0]: expected {GUID_EXPECTED},"
        " got '00000000-0000-0000-0000-00000000000g'",
    ),
    "bad GUID as tenant": (
        "azure:\n  tenant_id: contoso.onmicrosoft.com\n",
        f"evidence.yaml: azure.tenant_id: expected {GUID_EXPECTED},"
        " got 'contoso.onmicrosoft.com'",
    ),
    "unknown Azure cloud": (
        "azure:\n  cloud: AzureGermanCloud\n",
        "evidence.yaml: azure.cloud: expected one of AzurePublicCloud, AzureUSGovernment,"
        " AzureChinaCloud, got 'AzureGermanCloud'",
    ),
    "unknown criterion in checks.criteria": (
        "checks:\n  criteria:\n    aws_s3_public_access_blocked: {add: [CC6.1, CC8.2]}\n",
        "evidence.yaml: checks.criteria.aws_s3_public_access_blocked.add[1]:"
        f" expected {CRITERION_EXPECTED}, got 'CC8.2'",
    ),
    "criterion both added and removed": (
        "checks:\n  criteria:\n    aws_x: {add: [CC6.1], remove: [CC6.1]}\n",
        "evidence.yaml: checks.criteria.aws_x.remove[0]: expected a criterion that is not also"
        " in add, got 'CC6.1'",
    ),
    "unknown criterion in controls": (
        "controls:\n  - {id: AC-01, title: MFA, criteria: [P1.2], frequency: daily}\n",
        f"evidence.yaml: controls[0].criteria[0]: expected {CRITERION_EXPECTED}, got 'P1.2'",
    ),
    "control without criteria": (
        "controls:\n  - {id: AC-01, title: MFA, criteria: [], frequency: daily}\n",
        "evidence.yaml: controls[0].criteria: expected a list of at least 1 of SOC 2 criterion"
        " ids like CC6.1, got a list",
    ),
    "control frequency": (
        "controls:\n  - {id: AC-01, title: MFA, criteria: [CC6.1], frequency: hourly}\n",
        "evidence.yaml: controls[0].frequency: expected one of annual, quarterly, monthly,"
        " weekly, daily, continuous, got 'hourly'",
    ),
    "control id used twice": (
        "controls:\n"
        "  - {id: AC-01, title: A, criteria: [CC6.1], frequency: daily}\n"
        "  - {id: AC-01, title: B, criteria: [CC6.2], frequency: daily}\n",
        "evidence.yaml: controls[1].id: expected a control id not used before, got 'AC-01'",
    ),
    "unknown category": (
        "soc2:\n  categories: [security, integrity]\n",
        "evidence.yaml: soc2.categories[1]: expected one of security, availability,"
        " processing_integrity, confidentiality, privacy, got 'integrity'",
    ),
    "check id used as a key": (
        "checks:\n  params:\n    'AWS S3': {min_days: 1}\n",
        "evidence.yaml: checks.params['AWS S3']: expected a check id like"
        " aws_s3_public_access_blocked, got 'AWS S3'",
    ),
    "param value that is a mapping": (
        "checks:\n  params:\n    aws_x: {min_days: {value: 1}}\n",
        "evidence.yaml: checks.params.aws_x.min_days: expected a string, number, true/false,"
        " or a list of those, got a mapping",
    ),
    "include pattern with spaces": (
        "checks:\n  include: ['aws s3']\n",
        "evidence.yaml: checks.include[0]: expected a check id or glob like aws_s3_*,"
        " got 'aws s3'",
    ),
    "schedule with 4 fields": (
        "schedule: '0 3 * *'\n",
        "evidence.yaml: schedule: expected a 5-field cron expression (minute hour day month"
        " weekday), e.g. '0 3 * * *' (4 fields instead of 5), got '0 3 * *'",
    ),
    "schedule out of range": (
        "schedule: '0 24 * * *'\n",
        "evidence.yaml: schedule: expected a 5-field cron expression (minute hour day month"
        " weekday), e.g. '0 3 * * *' (hour: 24 is outside 0-23), got '0 24 * * *'",
    ),
    "database URL that is not a URL": (
        "database_url: evidence.db\n",
        "evidence.yaml: database_url: expected a database URL like sqlite:///evidence.db,"
        " got 'evidence.db'",
    ),
}


@pytest.mark.parametrize("text, message", BAD.values(), ids=BAD.keys())
def test_bad_input_gives_one_line(fail: Fail, text: str, message: str) -> None:
    assert fail(text) == message


def test_error_carries_file_key_and_expectation(load: Load) -> None:
    with pytest.raises(ConfigError) as caught:
        load("aws:\n  accounts:\n    - {id: '111111111111', role_arn: foo}\n")
    error = caught.value
    assert (error.file, error.key) == ("evidence.yaml", "aws.accounts[0].role_arn")
    assert error.expected == ARN_EXPECTED


def test_several_problems_share_one_line(fail: Fail) -> None:
    message = fail("aws:\n  max_workers: 0\n  regions: [nowhere]\nschedule: never\n")
    assert message.count("evidence.yaml: ") == 3
    assert "aws.max_workers: expected an integer between 1 and 64, got 0" in message
    assert "aws.regions[0]: expected an AWS region name like us-east-1, got 'nowhere'" in message
    assert "schedule: expected a 5-field cron expression" in message


def test_many_problems_are_counted_not_listed(fail: Fail) -> None:
    text = "".join(f"key{i}: 1\n" for i in range(8))
    message = fail(text)
    assert message.count("unknown key") == 5
    assert message.endswith("(and 3 more)")


ACCOUNT_IDS = {
    "quoted": ("'012345678901'", "012345678901"),
    "unquoted integer": ("111111111111", "111111111111"),
    "integer that lost its zeros": ("12345678901", "012345678901"),
    # YAML 1.1 would read this as an octal number; it must stay the digits that were typed.
    "leading zero, octal digits only": ("012345670123", "012345670123"),
}


@pytest.mark.parametrize("written, stored", ACCOUNT_IDS.values(), ids=ACCOUNT_IDS.keys())
def test_account_id_is_twelve_digits(load: Load, written: str, stored: str) -> None:
    settings = load(f"aws:\n  accounts:\n    - id: {written}\n").settings
    assert settings.aws.accounts[0].id == stored


def test_account_id_rejects_bool(fail: Fail) -> None:
    assert fail("aws:\n  accounts:\n    - id: true\n").endswith("got true")


@pytest.mark.parametrize(
    "region",
    ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-northwest-1", "us-isob-east-1",
     "ap-southeast-7", "mx-central-1"],
)
def test_real_region_names_are_accepted(load: Load, region: str) -> None:
    assert load(f"aws:\n  regions: [{region}]\n  home_region: {region}\n").settings.aws.regions


@pytest.mark.parametrize(
    "arn",
    ["arn:aws:iam::111111111111:role/EvidenceReader",
     "arn:aws-us-gov:iam::111111111111:role/path/to/Reader",
     "arn:aws-cn:iam::111111111111:role/Reader+Ops@x"],
)
def test_role_arns_of_every_partition(load: Load, arn: str) -> None:
    text = f"aws:\n  accounts:\n    - {{id: '111111111111', role_arn: '{arn}'}}\n"
    assert load(text).settings.aws.accounts[0].role_arn == arn


@pytest.mark.parametrize(
    "scope",
    ["organizations/123456789012", "folders/42", "projects/acme-prod", "projects/123456",
     "projects/example.com:acme-prod"],
)
def test_gcp_scopes(load: Load, scope: str) -> None:
    assert load(f"gcp:\n  scopes: ['{scope}']\n").settings.gcp is not None


def test_duplicate_regions_are_an_error(fail: Fail) -> None:
    assert fail("aws:\n  regions: [us-east-1, us-east-1]\n").startswith(
        "evidence.yaml: aws.regions[1]: expected a list of AWS region names"
    )
