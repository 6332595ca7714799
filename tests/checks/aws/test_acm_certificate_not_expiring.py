from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from checks.aws.acm_certificate_not_expiring import acm_certificate_not_expiring
from collector.model import Status
from tests.conftest import Moto, by_resource


def _import(moto: Moto, domain: str, days_left: int) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=300))
            .not_valid_after(now + timedelta(days=days_left))
            .sign(key, hashes.SHA256()))
    arn: str = moto.client("acm").import_certificate(
        Certificate=cert.public_bytes(serialization.Encoding.PEM),
        PrivateKey=key.private_bytes(serialization.Encoding.PEM,
                                     serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()))["CertificateArn"]
    return arn


def _use(moto: Moto, cert: str, name: str) -> None:
    # A classic load balancer's HTTPS listener is what moto records in InUseBy.
    moto.client("elb").create_load_balancer(
        LoadBalancerName=name, AvailabilityZones=["us-east-1a"],
        Listeners=[{"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstancePort": 80,
                    "SSLCertificateId": cert}])


def test_in_use_certificates_are_judged_by_days_to_expiry(moto: Moto) -> None:
    fresh = _import(moto, "shop.example.com", 200)
    expiring = _import(moto, "api.example.com", 10)
    idle = _import(moto, "old.example.com", 5)
    _use(moto, fresh, "shop")
    _use(moto, expiring, "api")

    results = by_resource(moto.run(acm_certificate_not_expiring))

    assert results[fresh].status is Status.PASS
    assert results[expiring].status is Status.FAIL
    assert "api.example.com: expires on" in results[expiring].message
    assert "(minimum 30; used by 1 resource(s))" in results[expiring].message
    assert results[idle].status is Status.NOT_APPLICABLE


def test_unused_certificates_can_be_included(moto: Moto) -> None:
    idle = _import(moto, "old.example.com", 5)

    results = by_resource(moto.run(acm_certificate_not_expiring,
                                   params={"include_unused": True}))

    assert results[idle].status is Status.FAIL
    assert "not in use" in results[idle].message
