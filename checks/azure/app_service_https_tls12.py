"""App Service: HTTPS only, TLS 1.2+, no plain FTP."""

from collections.abc import Iterator

from checks.azure._util import GRAPH, props, tls_at_least_12
from collector.cloud.azure import AzureContext
from collector.model import Result
from collector.plugin import check

API = "2023-01-01"


@check(
    id="azure_app_service_https_tls12",
    criteria=("CC6.7",),
    permissions=(GRAPH, "Microsoft.Web/sites/read", "Microsoft.Web/sites/config/read"),
    scoping="global",
)
def app_service_https_tls12(ctx: AzureContext) -> Iterator[Result]:
    """App Service apps accept only HTTPS, with TLS 1.2 or later, and no plain FTP.

    One result per app (web and function apps): httpsOnly true (Resource Graph), and in the
    site configuration (ARM config/web) minTlsVersion >= 1.2 and ftpsState FtpsOnly or
    Disabled.
    """
    for site in ctx.resources("Microsoft.Web/sites"):
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
