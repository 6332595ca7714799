from typing import Any

from checks.aws.elb_tls_listeners import elb_tls_listeners
from collector.cloud.replay import AwsReplayContext, Recording
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


REDIRECT = [{"Type": "redirect",
             "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]


def test_http_rules_that_forward_defeat_the_default_redirect(moto: Moto) -> None:
    # elbv2 DescribeRules: a listener's non-default rules act before its default actions;
    # ActionTypeEnum forward / authenticate-* reach targets, fixed-response does not
    elbv2 = moto.client("elbv2")
    lb = _alb(moto, "shop")
    ec2 = moto.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.0.0.0/16"]}])["Vpcs"][0]
    group = elbv2.create_target_group(Name="app", Protocol="HTTP", Port=80,
                                      VpcId=vpc["VpcId"])["TargetGroups"][0]["TargetGroupArn"]
    leaky = _listener(moto, lb, Protocol="HTTP", Port=80, DefaultActions=REDIRECT)
    elbv2.create_rule(ListenerArn=leaky, Priority=10, Conditions=[
        {"Field": "path-pattern", "Values": ["/api/*"]}],
        Actions=[{"Type": "forward", "TargetGroupArn": group}])
    health = _listener(moto, lb, Protocol="HTTP", Port=8080, DefaultActions=REDIRECT)
    elbv2.create_rule(ListenerArn=health, Priority=5, Conditions=[
        {"Field": "path-pattern", "Values": ["/ping"]}],
        Actions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200"}}])
    same = _listener(moto, lb, Protocol="HTTP", Port=8081, DefaultActions=[{
        "Type": "redirect", "RedirectConfig": {"Protocol": "#{protocol}", "Port": "8443",
                                               "StatusCode": "HTTP_301"}}])

    results = by_resource(moto.run(elb_tls_listeners))

    assert results[leaky].status is Status.FAIL
    assert "rule(s) with priority 10 serve unencrypted traffic" in results[leaky].message
    assert results[health].status is Status.PASS
    assert results[same].status is Status.FAIL  # #{protocol} keeps HTTP


def test_a_policy_not_returned_is_an_error_never_a_pass() -> None:
    lb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/1"
    listener = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/1/2"
    recording = Recording()
    recording.add_entry({"service": "elbv2", "operation": "describe_load_balancers",
                         "params": {}, "pages": [{"LoadBalancers": [
                             {"LoadBalancerArn": lb, "Scheme": "internet-facing"}]}]})
    recording.add_entry({"service": "elbv2", "operation": "describe_listeners",
                         "params": {"LoadBalancerArn": lb}, "pages": [{"Listeners": [
                             {"ListenerArn": listener, "Protocol": "HTTPS", "Port": 443,
                              "SslPolicy": "Custom-Gone"}]}]})
    recording.add_entry({"service": "elbv2", "operation": "describe_ssl_policies",
                         "params": {"Names": ["Custom-Gone"]}, "response": {"SslPolicies": []}})
    recording.add_entry({"service": "elb", "operation": "describe_load_balancers",
                         "params": {}, "pages": [{"LoadBalancerDescriptions": []}]})

    results = by_resource(list(elb_tls_listeners.run(AwsReplayContext(recording, "us-east-1"))))

    assert results[listener].status is Status.ERROR
    assert results[listener].error_code == "PolicyNotFound"
