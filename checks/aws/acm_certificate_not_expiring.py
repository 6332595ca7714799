"""ACM: certificates in use stay valid for more than N days."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from collector.cloud.aws import AwsContext
from collector.model import Result
from collector.plugin import check

KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1",
             "EC_secp521r1"]
"""ListCertificates returns RSA-2048 certificates only unless asked for every key type."""


@check(
    id="aws_acm_certificate_not_expiring",
    criteria=("CC6.7",),
    permissions=("acm:ListCertificates", "acm:DescribeCertificate"),
)
def acm_certificate_not_expiring(
    ctx: AwsContext, *, min_days: int = 30, include_unused: bool = False
) -> Iterator[Result]:
    """ACM certificates in use remain valid for more than 30 days.

    Regional. One result per certificate (resource: its ARN). A certificate in use (InUseBy not
    empty) passes when NotAfter is more than `min_days` away; an expired one fails. Certificates
    in no use are `not_applicable` unless `include_unused` is set; certificates never issued
    (no NotAfter: pending validation, failed) are `not_applicable`. Imported certificates are
    judged like issued ones: ACM does not renew them.
    """
    now = datetime.now(UTC)
    listed = ctx.paginate("acm", "list_certificates", "CertificateSummaryList",
                          Includes={"keyTypes": KEY_TYPES})
    ctx.prefetch("acm", "describe_certificate", [{"CertificateArn": c["CertificateArn"]}
                                                 for c in listed])
    for summary in listed:
        arn = summary["CertificateArn"]
        cert = ctx.call("acm", "describe_certificate", CertificateArn=arn)["Certificate"]
        name = cert.get("DomainName", "")
        used = cert.get("InUseBy") or []
        not_after = cert.get("NotAfter")
        if not isinstance(not_after, datetime):
            yield Result.not_applicable(arn, f"{name}: not issued (status {cert.get('Status')})")
            continue
        if not used and not include_unused:
            yield Result.not_applicable(arn, f"{name}: not in use by any AWS resource")
            continue
        days = (not_after - now).days
        expiry = f"{not_after.astimezone(UTC):%Y-%m-%d}"
        users = f"used by {len(used)} resource(s)" if used else "not in use"
        if days < 0:
            yield Result.failed(arn, f"{name}: expired on {expiry} ({users})")
            continue
        yield Result.of(arn, days > min_days,
                        f"{name}: valid until {expiry}, {days} days away ({users})",
                        f"{name}: expires on {expiry}, in {days} days (minimum {min_days}; "
                        f"{users})")
