"""What a check may call on each provider's context: the typed contract between checks and clouds.

A check receives one of these (`Check.run`, `ScopeTarget.context`) and uses nothing else of it.
The live contexts (`AwsContext`, `GcpContext`, `AzureContext`) and the AWS replay context
(`AwsReplayContext`, answering from recorded responses) each satisfy their provider's protocol;
mypy proves it below, so a context that lacks a member, or changes a signature, fails the type
check rather than a check at run time. A plug-in check annotates its context with these names.

Every read is memoised per run and scope and cited by the check that made it; a failed read
raises a `collector.cloud.base.CloudError` (`AccessDenied`, `NotOffered`…), except for the
error codes a call names in `absent`, which mean "not configured" and return None (or nothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol

__all__ = ["AwsApi", "AzureApi", "ContentType", "GcpApi"]

ContentType = Literal["RESOURCE", "IAM_POLICY", "ORG_POLICY"]
"""The Cloud Asset content types a GCP check may read."""


class AwsApi(Protocol):
    """One AWS account seen from one region (or "global", for checks run once per account)."""

    @property
    def provider(self) -> str: ...

    @property
    def region(self) -> str:
        """The region the check runs in, or "global"."""
        ...

    @property
    def account_id(self) -> str: ...

    @property
    def partition(self) -> str:
        """`aws`, `aws-cn`, `aws-us-gov`…"""
        ...

    @property
    def regions(self) -> list[str]:
        """The regions the run covers in the account (a global check reading every one)."""
        ...

    @property
    def account_arn(self) -> str:
        """The account itself, for account-wide settings (root MFA, password policy…)."""
        ...

    def call(self, service: str, operation: str, *, absent: tuple[str, ...] = (),
             wait_for: tuple[str, ...] = (), **params: Any) -> Any:
        """One request (boto3 snake_case operation); `absent` codes return None, `wait_for`
        codes mean "not ready yet" and are polled."""
        ...

    def paginate(self, service: str, operation: str, key: str, *,
                 absent: tuple[str, ...] = (), **params: Any) -> list[Any]:
        """Every item under `key` across all pages (empty for an `absent` code)."""
        ...

    def prefetch(self, service: str, operation: str,
                 params: Sequence[Mapping[str, Any]]) -> None:
        """Make these per-resource requests concurrently now; the later `call`s find them."""
        ...

    def in_region(self, region: str) -> AwsApi:
        """The same account and check seen from another region (e.g. a trail's home)."""
        ...

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        """The ARN of a resource of this account (in this region when `regional`)."""
        ...


class GcpApi(Protocol):
    """One configured GCP scope (organisation, folder or project), read through Cloud Asset."""

    @property
    def provider(self) -> str: ...

    @property
    def region(self) -> str:
        """Always "global"."""
        ...

    @property
    def scope(self) -> str:
        """The configured scope (`organizations/N`, `folders/N` or `projects/ID`)."""
        ...

    @property
    def scope_id(self) -> str:
        """The scope as the results contract names it: a project id, or the org/folder node."""
        ...

    @property
    def scope_resource(self) -> str:
        """The scope's full resource name, for scope-wide results."""
        ...

    def assets(self, asset_types: str | Sequence[str],
               content_type: ContentType = "RESOURCE") -> list[dict[str, Any]]:
        """Every asset of the given types in the scope (Cloud Asset REST JSON)."""
        ...

    def projects(self) -> list[dict[str, Any]]:
        """The ACTIVE projects in the scope (Project assets)."""
        ...

    def project_ids(self) -> dict[str, str]:
        """Project number (`projects/N`, as in `ancestors`) -> project id."""
        ...

    def scope_of(self, asset: Mapping[str, Any]) -> str:
        """The project id (or organisation/folder node) an asset belongs to."""
        ...


class AzureApi(Protocol):
    """One Azure subscription (region "global"), plus its tenant's Microsoft Graph."""

    @property
    def provider(self) -> str: ...

    @property
    def region(self) -> str:
        """Always "global"."""
        ...

    @property
    def subscription_id(self) -> str: ...

    @property
    def tenant_id(self) -> str: ...

    @property
    def subscription_resource(self) -> str:
        """The subscription itself (`/subscriptions/<id>`), for subscription-wide settings."""
        ...

    def graph(self, query: str) -> list[dict[str, Any]]:
        """Every row of a Resource Graph (KQL) query over this subscription."""
        ...

    def resources(self, *types: str, table: str = "resources") -> list[dict[str, Any]]:
        """Resources of the given ARM types from a Resource Graph table."""
        ...

    def arm(self, path: str, api_version: str, *,
            absent: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """One ARM GET; `absent` codes return None."""
        ...

    def arm_list(self, path: str, api_version: str, *,
                 absent: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """Every item of an ARM list, following `nextLink`."""
        ...

    def msgraph(self, path: str, *, absent: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """One Microsoft Graph GET (read once per tenant); `absent` codes return None."""
        ...

    def msgraph_list(self, path: str, *, absent: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """Every item of a Microsoft Graph collection, following `@odata.nextLink`."""
        ...


if TYPE_CHECKING:  # the proof, checked by mypy and never imported at run time
    from collector.cloud.aws import AwsContext
    from collector.cloud.azure import AzureContext
    from collector.cloud.gcp import GcpContext
    from collector.cloud.replay import AwsReplayContext

    def _aws_live(ctx: AwsContext) -> AwsApi:
        return ctx

    def _aws_replay(ctx: AwsReplayContext) -> AwsApi:
        return ctx

    def _gcp_live(ctx: GcpContext) -> GcpApi:
        return ctx

    def _azure_live(ctx: AzureContext) -> AzureApi:
        return ctx
