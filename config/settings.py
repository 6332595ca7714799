"""The settings model: what `evidence.yaml` (plus `EVIDENCE_*` overrides) may say.

Every model is frozen and forbids unknown keys. Lists are stored as tuples, so settings can be
shared between threads and hashed (`config.loader.config_hash`). A key given with no value
(YAML null) means the key's default, except where null is itself the default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from config.anchor import AnchorSettings
from config.criteria import CATEGORIES, Category
from config.fields import (
    ROLE_ARN,
    AwsAccountId,
    AwsRegion,
    AwsRegions,
    AzureSubscriptions,
    Bool,
    CheckId,
    CheckPatterns,
    ControlId,
    CriterionIds,
    Cron,
    DatabaseUrl,
    ExternalId,
    FilePath,
    GcpScopes,
    GcpServiceAccount,
    Guid,
    IamName,
    ParamValue,
    RoleArn,
    Text,
    Url,
    Workers,
    choice,
    invalid,
    known_criterion,
    list_of,
    string,
)
from config.operate import RiskSettings, Targets

Frequency = Literal["annual", "quarterly", "monthly", "weekly", "daily", "continuous"]
"""How often a control operates (what an auditor samples against)."""
AzureCloud = Literal["AzurePublicCloud", "AzureUSGovernment", "AzureChinaCloud"]

ParamName = Annotated[
    str, BeforeValidator(string("a parameter name like min_days", re.compile(r"[A-Za-z_]\w*")))
]
ControlCriteria = Annotated[
    Sequence[str],
    BeforeValidator(list_of(known_criterion, "SOC 2 criterion ids like CC6.1", min_items=1)),
]


def _categories(value: object) -> tuple[str, ...]:
    chosen = list_of(choice(*CATEGORIES), "SOC 2 categories", unique=False)(value)
    return tuple(c for c in CATEGORIES if c == "security" or c in chosen)


def _as_tuple(value: object) -> object:
    """Lists of models are stored as tuples (the models are frozen; so are their lists)."""
    return tuple(value) if isinstance(value, list) else value


class _Section(BaseModel):
    """Base of every settings model: frozen, no unknown keys, null means default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _null_means_default(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {k: v for k, v in data.items() if v is not None or _null_ok(cls, k)}


def _null_ok(model: type[BaseModel], key: object) -> bool:
    field = model.model_fields.get(key) if isinstance(key, str) else None
    if field is None or field.is_required():
        return True  # let validation report the unknown key or the wrong value
    return field.get_default(call_default_factory=True) is None


class Soc2Settings(_Section):
    """Which SOC 2 categories are in scope for the examination."""

    categories: Annotated[Sequence[Category], BeforeValidator(_categories)] = ("security",)
    """In scope, in catalog order; `security` is always added. Criteria of the other
    categories are reported as out of scope, never as gaps."""


class AwsAccount(_Section):
    """One AWS account to collect from."""

    id: AwsAccountId
    """12 digits; an unquoted YAML integer is accepted and zero-padded."""
    role_arn: RoleArn | None = None
    """Role to assume in this account; None: `aws.role_name` in the account."""
    external_id: ExternalId | None = None

    @field_validator("role_arn")
    @classmethod
    def _role_in_account(cls, value: str | None, info: ValidationInfo) -> str | None:
        account = info.data.get("id")
        match = ROLE_ARN.fullmatch(value) if value is not None else None
        if match is not None and account is not None and match["account"] != account:
            invalid(f"a role in account {account} (the account's id)")
        return value


class AwsSettings(_Section):
    """Where and how to collect from AWS."""

    enabled: Bool = True
    regions: AwsRegions = "all"
    """Region names, or `all`: every region enabled in the account."""
    accounts: Annotated[Sequence[AwsAccount], BeforeValidator(_as_tuple)] = ()
    """Empty: the account of the current credentials."""
    organization: Bool = False
    """True: enumerate the organization's member accounts and assume `role_name` in each."""
    role_name: IamName = "EvidenceReader"
    endpoint_url: Url | None = None
    """Override (moto, VPC endpoints); botocore also honours AWS_ENDPOINT_URL when None."""
    max_workers: Workers = 8
    """Concurrent collections (scopes x regions)."""
    home_region: AwsRegion = "us-east-1"
    """Where global services (IAM, Organizations, ...) are called."""

    @model_validator(mode="after")
    def _unique_accounts(self) -> AwsSettings:
        seen: set[str] = set()
        for index, account in enumerate(self.accounts):
            if account.id in seen:
                invalid("each account listed once", "accounts", index, "id", got=account.id)
            seen.add(account.id)
        return self


class GcpSettings(_Section):
    """Where and how to collect from Google Cloud (absent: GCP is not collected)."""

    scopes: GcpScopes
    """organizations/<number>, folders/<number> or projects/<project-id>."""
    credentials_file: FilePath | None = None
    """A service-account key file; None: Application Default Credentials."""
    impersonate_service_account: GcpServiceAccount | None = None
    endpoint: Url | None = None
    """API endpoint override (private endpoints, tests)."""


class AzureSettings(_Section):
    """Where and how to collect from Azure (absent: Azure is not collected)."""

    subscriptions: AzureSubscriptions = "all"
    """Subscription ids (lower-cased), or `all` that the credentials can read."""
    tenant_id: Guid | None = None
    cloud: Annotated[AzureCloud, BeforeValidator(choice(*get_args(AzureCloud)))] = (
        "AzurePublicCloud"
    )
    endpoint: Url | None = None
    """ARM endpoint override (sovereign clouds, tests)."""
    authority_host: Url | None = None
    """Entra authority override (sovereign clouds, tests)."""
    ca_bundle: FilePath | None = None
    """Extra CA file for TLS-inspecting proxies (and tests)."""


class CriteriaOverride(_Section):
    """A change to the criteria a check is mapped to, recorded with every run."""

    add: CriterionIds = ()
    remove: CriterionIds = ()

    @model_validator(mode="after")
    def _disjoint(self) -> CriteriaOverride:
        for index, criterion in enumerate(self.remove):
            if criterion in self.add:
                invalid("a criterion that is not also in add", "remove", index, got=criterion)
        return self


class ChecksSettings(_Section):
    """Which checks run, their parameters, and criteria overrides."""

    include: CheckPatterns = ("*",)
    """Check ids or globs (fnmatch) to run."""
    exclude: CheckPatterns = ()
    """Check ids or globs not to run, even when included."""
    params: Mapping[CheckId, Mapping[ParamName, ParamValue]] = Field(default_factory=dict)
    """Per check id: parameter values (the check declares names and defaults)."""
    criteria: Mapping[CheckId, CriteriaOverride] = Field(default_factory=dict)
    """Per check id: criteria to add to or remove from the check's own mapping."""

    def selects(self, check_id: str) -> bool:
        """True when `check_id` matches an include pattern and no exclude pattern."""
        return any(fnmatchcase(check_id, p) for p in self.include) and not any(
            fnmatchcase(check_id, p) for p in self.exclude
        )

    def criteria_for(self, check_id: str, declared: Sequence[str]) -> tuple[str, ...]:
        """The check's declared criteria with this config's override applied (order kept)."""
        override = self.criteria.get(check_id)
        if override is None:
            return tuple(declared)
        kept = [c for c in declared if c not in override.remove]
        return (*kept, *(c for c in override.add if c not in kept))


class Control(_Section):
    """A control of the organisation's own catalogue, evidenced by checks and attachments."""

    id: ControlId
    """The organisation's id, e.g. `AC-01`."""
    title: Text
    criteria: ControlCriteria
    """SOC 2 criteria the control addresses (at least one)."""
    checks: CheckPatterns = ()
    """Check ids or globs whose results evidence the control; empty: manual evidence only."""
    frequency: Annotated[Frequency, BeforeValidator(choice(*get_args(Frequency)))]


class Settings(_Section):
    """The whole configuration (design §4, "Contract — config")."""

    database_url: DatabaseUrl | None = None
    """None: the CLI's default, a SQLite file `./evidence.db`."""
    schedule: Cron = "0 3 * * *"
    """Cron, UTC, for `evidence schedule`; see `config.cron` before handing it to APScheduler."""
    soc2: Soc2Settings = Field(default_factory=Soc2Settings)
    aws: AwsSettings = Field(default_factory=AwsSettings)
    gcp: GcpSettings | None = None
    azure: AzureSettings | None = None
    checks: ChecksSettings = Field(default_factory=ChecksSettings)
    signing_key: FilePath | None = None
    """Path to an Ed25519 private key (PEM) used to sign exports."""
    controls: Annotated[Sequence[Control], BeforeValidator(_as_tuple)] = ()
    notify: Targets = ()
    """Where alerts go (see config/operate.py)."""
    risks: RiskSettings = Field(default_factory=RiskSettings)
    anchor: AnchorSettings = Field(default_factory=AnchorSettings)
    """Where each sealed run's checkpoint is published (config/anchor.py)."""

    @model_validator(mode="after")
    def _unique_controls(self) -> Settings:
        seen: set[str] = set()
        for index, control in enumerate(self.controls):
            if control.id in seen:
                invalid("a control id not used before", "controls", index, "id", got=control.id)
            seen.add(control.id)
        return self
