"""Cloud Asset Inventory: the API is enabled in every project."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, enabled_services, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check

API = "cloudasset.googleapis.com"


@check(
    id="gcp_cloud_asset_inventory_enabled",
    criteria=("CC3.4", "CC7.1", "CC8.1"),
    permissions=(LIST_RESOURCE,),
)
def cloud_asset_inventory_enabled(ctx: GcpApi) -> Iterator[Result]:
    """Every project has the Cloud Asset Inventory API enabled (asset and change history).

    One result per active project (resource: its full name). Passes when the project's
    Service Usage assets show cloudasset.googleapis.com with `state` ENABLED, which keeps 35
    days of configuration history for the project (the analogue of AWS Config); fails when it
    is absent, DISABLED or has no state. Projects not ACTIVE are not judged.

    How to fix: Enable the Cloud Asset API in the project.
    Console: APIs & Services > Library > Cloud Asset API > Enable
    CLI: gcloud services enable cloudasset.googleapis.com --project <project>
    Docs: https://cloud.google.com/asset-inventory/docs/set-up
    """
    enabled = enabled_services(ctx)
    for project in ctx.projects():
        on = API in enabled.get(str(project["ancestors"][0]), set())
        yield verdict(ctx, project, on, f"{API} is enabled", f"{API} is not enabled")
