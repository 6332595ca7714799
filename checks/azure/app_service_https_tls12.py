"""App Service: HTTPS only, TLS 1.2+, no plain FTP."""

from collections.abc import Iterator
from typing import Any

from checks.azure._util import GRAPH, props, tls_at_least_12
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check, each

API = "2023-01-01"
"""Microsoft.Web sites/config/web (stable; the fields read are unchanged in later versions)."""


@check(
    id="azure_app_service_https_tls12",
    criteria=("CC6.7",),
    permissions=(GRAPH, "Microsoft.Web/sites/read", "Microsoft.Web/sites/config/read"),
)
def app_service_https_tls12(ctx: AzureApi) -> Iterator[Result]:
    """App Service apps accept only HTTPS, with TLS 1.2 or later, and no plain FTP.

    One result per app (web and function apps). Passes when httpsOnly is true (Resource Graph)
    and the site configuration (ARM config/web) has minTlsVersion 1.2 or later and ftpsState
    FtpsOnly or Disabled; fails otherwise. An absent ftpsState is AllAllowed (the service's
    default) and an absent minTlsVersion is unknown, both failing. No app: no result. A
    configuration that cannot be read gives that app an `error` result; other apps keep theirs.

    How to fix: Turn on HTTPS Only, set the minimum TLS version to 1.2 and FTP state to FTPS only or
        Disabled.
    Console: App Service > app > Configuration > General settings (HTTPS Only, Minimum TLS version,
        FTP state)
    CLI: az webapp update --name <app> --resource-group <rg> --https-only true && az webapp config
        set --name <app> --resource-group <rg> --min-tls-version 1.2 --ftps-state FtpsOnly
    Docs: https://learn.microsoft.com/azure/app-service/configure-ssl-bindings#enforce-https
    """
    yield from each(ctx.resources("Microsoft.Web/sites"), resource=lambda site: site["id"],
                    judge=lambda site: _judge(ctx, site))


def _judge(ctx: AzureApi, site: dict[str, Any]) -> Iterator[Result]:
    conf = (ctx.arm(f"{site['id']}/config/web", API) or {}).get("properties") or {}
    problems = []
    if props(site).get("httpsOnly") is not True:
        problems.append("HTTP is accepted (httpsOnly off)")
    if not tls_at_least_12(conf.get("minTlsVersion")):
        problems.append(f"minimum TLS version {conf.get('minTlsVersion') or 'unknown'}")
    ftps = conf.get("ftpsState") or "AllAllowed"
    if ftps not in ("FtpsOnly", "Disabled"):
        problems.append(f"FTP state {ftps} (plain FTP allowed)")
    yield Result.of(site["id"], not problems,
                    f"HTTPS only, TLS {conf.get('minTlsVersion')}, FTP {ftps}",
                    "; ".join(problems))
