"""Value types of the settings, each validated with the phrase its error message uses.

Every check raises `invalid(expected, *at)`: a pydantic error of type `expected` whose context
carries the phrase (`"an AWS region name like us-east-1"`) and, for list items or model-level
checks, the path `at` below the field. `config.errors` turns it into
`evidence.yaml: aws.regions[1]: expected an AWS region name like us-east-1, got 'us-east'`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, NoReturn, TypeGuard
from urllib.parse import urlsplit

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from config import cron
from config.criteria import load_catalog

Validator = Callable[[Any], Any]

AWS_REGION = re.compile(r"[a-z]{2,4}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}", re.ASCII)
ROLE_ARN = re.compile(
    r"arn:aws[a-z-]*:iam::(?P<account>\d{12}):role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}", re.ASCII
)
IAM_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
GCP_SCOPE = re.compile(
    r"organizations/\d+|folders/\d+"
    r"|projects/(?:\d+|(?:[a-z][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9])",
    re.ASCII,
)
GCP_SERVICE_ACCOUNT = re.compile(r"[a-z0-9][a-z0-9-]*@[a-z0-9.-]+\.gserviceaccount\.com")
GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
CHECK_ID = re.compile(r"[a-z][a-z0-9_]*")
CHECK_PATTERN = re.compile(r"[a-z0-9_*?\[\]!-]+")
CONTROL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
DATABASE_URL = re.compile(r"[a-z][a-z0-9+._-]*://.*", re.IGNORECASE | re.DOTALL)


NOT_GIVEN: Any = object()
"""Default of `got=` arguments: no separate value to show (the validated value is shown)."""


def invalid(expected: str, *at: str | int, got: object = NOT_GIVEN) -> NoReturn:
    """Raise the error every check in this package raises (see the module docstring).

    `at` is the path below the validated value that is wrong; `got` the wrong value, when it is
    not the validated value itself (model-level checks).
    """
    context: dict[str, Any] = {"expected": expected, "at": at}
    if got is not NOT_GIVEN:
        context["got"] = got
    raise PydanticCustomError("expected", "expected {expected}", context)


def is_int(value: object) -> TypeGuard[int]:
    """True for an int that is not a bool (YAML `true` must not pass as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def string(expected: str, pattern: re.Pattern[str] | None = None) -> Validator:
    """A validator for a non-blank string, matching `pattern` (whole) when one is given."""

    def check(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            invalid(expected)
        if pattern is not None and not pattern.fullmatch(value):
            invalid(expected)
        return value

    return check


def _int_between(low: int, high: int) -> Validator:
    def check(value: object) -> int:
        if not is_int(value) or not low <= value <= high:
            invalid(f"an integer between {low} and {high}")
        return value

    return check


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        invalid("true or false")
    return value


def choice(*choices: str) -> Validator:
    """A validator for one of `choices` (for `Literal` fields)."""

    def check(value: object) -> str:
        if value not in choices:
            invalid("one of " + ", ".join(choices))
        return value

    return check


def _url(value: object) -> str:
    expected = "an http(s) URL like https://host:port"
    if not isinstance(value, str):
        invalid(expected)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        invalid(expected)
    return value


def _cron(value: object) -> str:
    if not isinstance(value, str):
        invalid(cron.EXPECTED)
    try:
        return cron.validate_cron(value)
    except cron.CronError as error:
        invalid(f"{cron.EXPECTED} ({error})")


def _account_id(value: object) -> str:
    expected = "a 12-digit AWS account id (quoted, e.g. \"012345678901\")"
    if is_int(value) and 0 <= value < 10**12:
        return f"{value:012d}"
    if isinstance(value, str) and re.fullmatch(r"\d{12}", value, re.ASCII):
        return value
    invalid(expected)


def _guid(value: object) -> str:
    if not isinstance(value, str) or not GUID.fullmatch(value):
        invalid("a GUID like 00000000-0000-0000-0000-000000000000")
    return value.lower()


def known_criterion(value: object) -> str:
    """A criterion id that is in the SOC 2 catalog."""
    if not isinstance(value, str) or value not in load_catalog():
        invalid("a SOC 2 criterion id from the catalog, e.g. CC6.1 (see `evidence criteria`)")
    return value


def _scalar(value: object) -> bool:
    return isinstance(value, str | bool | float) or is_int(value)


def _param(value: object) -> object:
    if _scalar(value):
        return value
    if isinstance(value, list) and all(_scalar(item) for item in value):
        return tuple(value)
    invalid("a string, number, true/false, or a list of those")


def list_of(
    item: Validator, what: str, *, unique: bool = True, min_items: int = 0
) -> Validator:
    """A validator for a YAML list whose items pass `item`; a lone item counts as a list of one.

    Errors name the offending item (`aws.regions[1]`).
    """

    def check(value: object) -> tuple[Any, ...]:
        lone = isinstance(value, str)
        items = [value] if lone else value
        if not isinstance(items, list | tuple):
            invalid(f"a list of {what}")
        out: list[Any] = []
        for index, element in enumerate(items):
            try:
                checked = item(element)
            except PydanticCustomError as error:
                expected = error.context["expected"] if error.context else what
                invalid(str(expected), *(() if lone else (index,)), got=element)
            if unique and checked in out:
                invalid(f"a list of {what} without duplicates", index, got=element)
            out.append(checked)
        if len(out) < min_items:
            invalid(f"a list of at least {min_items} of {what}")
        return tuple(out)

    return check


def all_or(items: Validator, what: str) -> Validator:
    """A validator for the literal `all` or a list (see `list_of`)."""

    def check(value: object) -> object:
        if value == "all":
            return "all"
        if not isinstance(value, str | list | tuple):
            invalid(f'"all" or a list of {what}')
        return items(value)

    return check


def _is_region(value: object) -> str:
    if not isinstance(value, str) or not AWS_REGION.fullmatch(value):
        invalid("an AWS region name like us-east-1")
    return value


Bool = Annotated[bool, BeforeValidator(_bool)]
Text = Annotated[str, BeforeValidator(string("a non-empty string"))]
FilePath = Annotated[str, BeforeValidator(string("a file path"))]
Url = Annotated[str, BeforeValidator(_url)]
Cron = Annotated[str, BeforeValidator(_cron)]
DatabaseUrl = Annotated[
    str, BeforeValidator(string("a database URL like sqlite:///evidence.db", DATABASE_URL))
]
Workers = Annotated[int, BeforeValidator(_int_between(1, 64))]

AwsRegion = Annotated[str, BeforeValidator(_is_region)]
AwsRegions = Annotated[Literal["all"] | Sequence[str], BeforeValidator(all_or(
    list_of(_is_region, "AWS region names like us-east-1"), "AWS region names like us-east-1"
))]
AwsAccountId = Annotated[str, BeforeValidator(_account_id)]
RoleArn = Annotated[str, BeforeValidator(string(
    "an IAM role ARN like arn:aws:iam::123456789012:role/Name", ROLE_ARN
))]
IamName = Annotated[str, BeforeValidator(string("an IAM role name like EvidenceReader", IAM_NAME))]
ExternalId = Annotated[str, BeforeValidator(string(
    "an external id of 2 to 1224 characters", re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)
))]

GcpScopes = Annotated[Sequence[str], BeforeValidator(list_of(
    string("organizations/<number>, folders/<number> or projects/<project-id>", GCP_SCOPE),
    "GCP scopes (organizations/<number>, folders/<number>, projects/<project-id>)",
    min_items=1,
))]
GcpServiceAccount = Annotated[str, BeforeValidator(string(
    "a service account email like reader@project.iam.gserviceaccount.com", GCP_SERVICE_ACCOUNT
))]

Guid = Annotated[str, BeforeValidator(_guid)]
AzureSubscriptions = Annotated[Literal["all"] | Sequence[str], BeforeValidator(all_or(
    list_of(_guid, "subscription ids (GUIDs)"), "subscription ids (GUIDs)"
))]

CheckId = Annotated[str, BeforeValidator(string(
    "a check id like aws_s3_public_access_blocked", CHECK_ID
))]
CheckPatterns = Annotated[Sequence[str], BeforeValidator(list_of(
    string("a check id or glob like aws_s3_*", CHECK_PATTERN), "check ids or globs like aws_s3_*"
))]
CriterionIds = Annotated[Sequence[str], BeforeValidator(list_of(
    known_criterion, "SOC 2 criterion ids like CC6.1"
))]
ParamValue = Annotated[
    bool | int | float | str | tuple[bool | int | float | str, ...], BeforeValidator(_param)
]
ControlId = Annotated[str, BeforeValidator(string("a control id like AC-01", CONTROL_ID))]

