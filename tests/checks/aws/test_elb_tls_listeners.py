from typing import Any

from checks.aws.elb_tls_listeners import elb_tls_listeners
from collector.model import Status
from tests.conftest import Moto, by_resource


def _alb(moto: Moto, name: str, scheme: str = "internet-facing") -> str:
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24",
                                 AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"]
               for n, az in ((1, "a"), (2, "b"))]
    arn: str = moto.client("elbv2").create_load_balancer(
        Name=name, Subnets=subnets, Scheme=scheme)["LoadBalancers"][0]["LoadBalancerArn"]
    return arn


def _listener(moto: Moto, lb: str, **spec: Any) -> str:
    arn: str = moto.client("elbv2").create_listener(LoadBalancerArn=lb, **spec)[
        "Listeners"][0]["ListenerArn"]
    return arn


def test_listeners_are_judged_by_protocol_policy_and_redirect(moto: Moto) -> None:
    cert = moto.client("acm").request_certificate(DomainName="shop.example.com")[
        "CertificateArn"]
    lb = _alb(moto, "shop")
    forward = [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200"}}]
    modern = _listener(moto, lb, Protocol="HTTPS", Port=443, DefaultActions=forward,
                       SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                       Certificates=[{"CertificateArn": cert}])
    legacy = _listener(moto, lb, Protocol="HTTPS", Port=8443, DefaultActions=forward,
                       SslPolicy="ELBSecurityPolicy-2016-08",
                       Certificates=[{"CertificateArn": cert}])
    redirect = _listener(moto, lb, Protocol="HTTP", Port=80, DefaultActions=[{
        "Type": "redirect",
        "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])
    plain = _listener(moto, lb, Protocol="HTTP", Port=8080, DefaultActions=forward)
    internal = _alb(moto, "internal", scheme="internal")
    hidden = _listener(moto, internal, Protocol="HTTP", Port=80, DefaultActions=forward)

    results = by_resource(moto.run(elb_tls_listeners))

    assert results[modern].status is Status.PASS
    assert results[legacy].status is Status.FAIL
    assert "allows TLSv1, TLSv1.1" in results[legacy].message
    assert results[redirect].status is Status.PASS
    assert results[plain].status is Status.FAIL
    assert results[plain].message == ("HTTP listener on port 8080 serves unencrypted traffic "
                                      "(no redirect to HTTPS)")
    assert hidden not in results


def test_classic_load_balancer_with_http_listener_fails(moto: Moto) -> None:
    moto.client("elb").create_load_balancer(
        LoadBalancerName="legacy", AvailabilityZones=["us-east-1a"],
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])

    results = by_resource(moto.run(elb_tls_listeners))

    legacy = results["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/legacy"]
    assert legacy.status is Status.FAIL
    assert legacy.message == "HTTP listener on port 80 is not encrypted"
