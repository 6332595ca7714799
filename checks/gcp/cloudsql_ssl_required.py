"""Cloud SQL: connections must be encrypted."""

from __future__ import annotations

from collections.abc import Iterator

from checks.gcp._assets import LIST_RESOURCE, as_bool, data, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check

ENCRYPTED = ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")


@check(
    id="gcp_cloudsql_ssl_required",
    criteria=("CC6.7",),
    permissions=(LIST_RESOURCE,),
)
def cloudsql_ssl_required(ctx: GcpApi) -> Iterator[Result]:
    """Cloud SQL instances accept only encrypted (TLS) connections.

    One result per instance (resource: its full name). Passes when
    `settings.ipConfiguration.sslMode` is ENCRYPTED_ONLY or
    TRUSTED_CLIENT_CERTIFICATE_REQUIRED, or, without sslMode, the legacy `requireSsl` is true;
    fails otherwise. sslMode takes priority over the deprecated requireSsl (sqladmin.v1beta4
    IpConfiguration.sslMode), so ENCRYPTED_ONLY with requireSsl false passes.

    How to fix: Require encrypted connections (SSL mode ENCRYPTED_ONLY or
        TRUSTED_CLIENT_CERTIFICATE_REQUIRED).
    Console: SQL > instance > Connections > Security > SSL mode
    CLI: gcloud sql instances patch <instance> --ssl-mode ENCRYPTED_ONLY
    Docs: https://cloud.google.com/sql/docs/postgres/configure-ssl-instance
    """
    for inst in ctx.assets("sqladmin.googleapis.com/Instance"):
        ip = (data(inst).get("settings") or {}).get("ipConfiguration") or {}
        mode = ip.get("sslMode")
        ok = mode in ENCRYPTED if mode else as_bool(ip.get("requireSsl"))
        shown = f"sslMode {mode}" if mode else f"requireSsl {bool(ip.get('requireSsl'))}"
        yield verdict(ctx, inst, ok, f"only encrypted connections ({shown})",
                      f"unencrypted connections are accepted ({shown})")
