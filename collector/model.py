"""The results a check produces: typed, frozen, and independent of any cloud SDK."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """Outcome of one check on one resource (the results contract's `status`)."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class Result:
    """One check's verdict on one resource."""

    resource_id: str
    """The resource the verdict is about (or the scope itself for scope-wide settings)."""
    status: Status
    message: str
    """Human-readable reason, written for an auditor: what was seen, not what to do."""
    error_code: str | None = None
    """The provider's error code when status is `error` or `not_applicable`."""
    scope: str | None = None
    """The resource's own scope when it differs from the scope the check ran in (a GCP
    organisation-wide read yields results per project id)."""
    region: str | None = None
    """The resource's own region/location when it differs from the one the check ran in."""

    @classmethod
    def of(cls, resource_id: str, ok: bool, passed: str, failed: str) -> Result:
        """A pass with message `passed` when `ok`, else a fail with message `failed`."""
        return cls(resource_id, Status.PASS if ok else Status.FAIL, passed if ok else failed)

    @classmethod
    def passed(cls, resource_id: str, message: str) -> Result:
        return cls(resource_id, Status.PASS, message)

    @classmethod
    def failed(cls, resource_id: str, message: str) -> Result:
        return cls(resource_id, Status.FAIL, message)

    @classmethod
    def not_applicable(cls, resource_id: str, message: str, code: str | None = None) -> Result:
        return cls(resource_id, Status.NOT_APPLICABLE, message, code)

    @classmethod
    def error(cls, resource_id: str, message: str, code: str | None) -> Result:
        return cls(resource_id, Status.ERROR, message, code)

    def as_json(self) -> dict[str, str | None]:
        """The stored form (part of a content-addressed result set)."""
        out = {
            "resource_id": self.resource_id,
            "status": self.status.value,
            "message": self.message,
            "error_code": self.error_code,
        }
        if self.scope is not None:
            out["scope"] = self.scope
        if self.region is not None:
            out["region"] = self.region
        return out
