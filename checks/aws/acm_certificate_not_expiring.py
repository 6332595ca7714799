"""ACM: certificates in use stay valid for more than N days."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check, each

KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1",
             "EC_secp521r1"]
"""ListCertificates returns RSA-2048 certificates only unless asked for every key type."""


@check(
    id="aws_acm_certificate_not_expiring",
    criteria=("CC6.7",),
    permissions=("acm:ListCertificates", "acm:DescribeCertificate"),
)
def acm_certificate_not_expiring(
    ctx: AwsApi, *, min_days: int = 30, include_unused: bool = False
) -> Iterator[Result]:
    """ACM certificates in use remain valid for more than 30 days.

    Regional. One result per certificate (resource: its ARN), read with DescribeCertificate
    (ListCertificates asks for every key type: by default it lists RSA-1024/2048 only). Pass:
    in use (InUseBy not empty) and NotAfter more than `min_days` away. Fail: expired, expiring
    within `min_days`, or Status REVOKED while in use. Not applicable: in no use (unless
    `include_unused`), or never issued (no NotAfter: pending validation, failed, timed out).
    Imported certificates are judged like issued ones (ACM does not renew them). A certificate
    whose DescribeCertificate fails is an `error` for that certificate only.

    How to fix: Renew or replace the certificate before it expires: fix DNS validation so ACM renews
        it, or re-import a renewed certificate.
    Console: ACM > List certificates > certificate > Renewal status (imported: Reimport certificate)
    CLI: aws acm import-certificate --certificate-arn <arn> --certificate fileb://cert.pem
        --private-key fileb://key.pem --certificate-chain fileb://chain.pem
    Docs: https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html
    """
    now = datetime.now(UTC)
    listed = ctx.paginate("acm", "list_certificates", "CertificateSummaryList",
                          Includes={"keyTypes": KEY_TYPES})
    ctx.prefetch("acm", "describe_certificate", [{"CertificateArn": c["CertificateArn"]}
                                                 for c in listed])

    def judge(summary: dict[str, Any]) -> list[Result]:
        arn = summary["CertificateArn"]
        cert = ctx.call("acm", "describe_certificate", CertificateArn=arn)["Certificate"]
        return [_verdict(arn, cert, now, min_days, include_unused)]

    yield from each(listed, resource=lambda s: s["CertificateArn"], judge=judge)


def _verdict(arn: str, cert: dict[str, Any], now: datetime, min_days: int,
             include_unused: bool) -> Result:
    name = cert.get("DomainName", "")
    used = cert.get("InUseBy") or []
    not_after = cert.get("NotAfter")
    if not isinstance(not_after, datetime):
        return Result.not_applicable(arn, f"{name}: not issued (status {cert.get('Status')})")
    if not used and not include_unused:
        return Result.not_applicable(arn, f"{name}: not in use by any AWS resource")
    days = (not_after - now).days
    expiry = f"{not_after.astimezone(UTC):%Y-%m-%d}"
    users = f"used by {len(used)} resource(s)" if used else "not in use"
    if cert.get("Status") == "REVOKED":
        return Result.failed(arn, f"{name}: the certificate is revoked ({users})")
    if days < 0:
        return Result.failed(arn, f"{name}: expired on {expiry} ({users})")
    return Result.of(arn, days > min_days,
                     f"{name}: valid until {expiry}, {days} days away ({users})",
                     f"{name}: expires on {expiry}, in {days} days (minimum {min_days}; "
                     f"{users})")
