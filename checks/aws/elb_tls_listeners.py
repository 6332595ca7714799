"""ELB: internet-facing listeners use TLS 1.2 or newer (plain HTTP only to redirect)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check, each

WEAK = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")
ENCRYPTED_V2 = ("HTTPS", "TLS")
ENCRYPTED_CLASSIC = ("HTTPS", "SSL")
CLASSIC_WEAK = {f"Protocol-{p}" for p in WEAK}


@check(
    id="aws_elb_tls_listeners",
    criteria=("CC6.7",),
    permissions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeSSLPolicies",
        "elasticloadbalancing:DescribeLoadBalancerPolicies",
    ),
)
def elb_tls_listeners(ctx: AwsApi) -> Iterator[Result]:
    """Internet-facing load balancers accept only TLS 1.2+ connections, or redirect to HTTPS.

    Regional; internal load balancers are out of scope (no result). Application/Network load
    balancers: one result per listener (its ARN). Pass: an HTTPS/TLS listener whose security
    policy (DescribeSSLPolicies) offers no protocol older than TLS 1.2; an HTTP listener whose
    every default action redirects to HTTPS (RedirectConfig.Protocol "HTTPS"; "#{protocol}"
    keeps HTTP) and none of whose rules (DescribeRules) forwards or authenticates: a rule may
    redirect to HTTPS or return a fixed response, which reaches no target. Fail: any other
    HTTP listener, and any other protocol (TCP, UDP, GENEVE…) as not encrypted by the load
    balancer. A security policy that DescribeSSLPolicies does not return is an `error` (its
    protocols are unknown), never a pass. Classic load balancers: one result per load balancer
    (its ARN), failing for each HTTP/TCP listener and each HTTPS/SSL listener whose negotiation
    policy enables SSLv3, TLS 1.0 or TLS 1.1. A failed per-resource read is an `error` for that
    resource only: a load balancer whose listeners cannot be read (its ARN), a listener whose
    policy or rules cannot be read, a classic load balancer whose policies cannot be read.

    How to fix: Use HTTPS/TLS listeners with a TLS 1.2+ security policy (e.g.
        ELBSecurityPolicy-TLS13-1-2-2021-06), or make HTTP listeners redirect to HTTPS.
    Console: EC2 > Load Balancers > load balancer > Listeners > Edit listener > Security policy
    CLI: aws elbv2 modify-listener --listener-arn <arn> --ssl-policy
        ELBSecurityPolicy-TLS13-1-2-2021-06
    Docs: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
    """
    def listeners(lb: dict[str, Any]) -> Iterator[Result]:
        found = ctx.paginate("elbv2", "describe_listeners", "Listeners",
                             LoadBalancerArn=lb["LoadBalancerArn"])
        yield from each(found, resource=lambda li: li["ListenerArn"],
                        judge=lambda li: [_v2_verdict(ctx, li)])

    v2 = [lb for lb in ctx.paginate("elbv2", "describe_load_balancers", "LoadBalancers")
          if lb.get("Scheme") == "internet-facing"]
    yield from each(v2, resource=lambda lb: lb["LoadBalancerArn"], judge=listeners)
    classic = [lb for lb in ctx.paginate("elb", "describe_load_balancers",
                                         "LoadBalancerDescriptions")
               if lb.get("Scheme") == "internet-facing"]
    yield from each(classic, resource=lambda lb: _classic_arn(ctx, lb),
                    judge=lambda lb: [_classic_verdict(ctx, lb)])


def _classic_arn(ctx: AwsApi, lb: dict[str, Any]) -> str:
    return ctx.arn("elasticloadbalancing", f"loadbalancer/{lb['LoadBalancerName']}")


def _v2_verdict(ctx: AwsApi, listener: dict[str, Any]) -> Result:
    arn, protocol, port = listener["ListenerArn"], listener.get("Protocol"), listener.get("Port")
    where = f"{protocol} listener on port {port}"
    if protocol in ENCRYPTED_V2:
        policy = listener.get("SslPolicy")
        found = ctx.call("elbv2", "describe_ssl_policies", Names=[policy])["SslPolicies"]
        if not any(s.get("Name") == policy for s in found):
            return Result.error(arn, f"{where}: security policy {policy} was not returned by "
                                     "DescribeSSLPolicies; its protocols are unknown",
                                "PolicyNotFound")
        weak = sorted({p for s in found for p in s.get("SslProtocols") or [] if p in WEAK})
        return Result.of(arn, not weak, f"{where} uses policy {policy} (TLS 1.2 or newer only)",
                         f"{where} uses policy {policy}, which allows {', '.join(weak)}")
    if protocol == "HTTP":
        actions = listener.get("DefaultActions") or []
        if not (actions and all(_to_https(a) for a in actions)):
            return Result.failed(arn, f"{where} serves unencrypted traffic (no redirect to "
                                      "HTTPS)")
        rules = ctx.paginate("elbv2", "describe_rules", "Rules", ListenerArn=arn)
        serving = [str(r.get("Priority")) for r in rules if not r.get("IsDefault")
                   and not all(_to_https(a) or a.get("Type") == "fixed-response"
                               for a in r.get("Actions") or [])]
        return Result.of(arn, not serving, f"{where} only redirects to HTTPS",
                         f"{where} redirects to HTTPS by default, but rule(s) with priority "
                         f"{', '.join(serving)} serve unencrypted traffic")
    return Result.failed(arn, f"{where} is not encrypted by the load balancer")


def _to_https(action: dict[str, Any]) -> bool:
    return action.get("Type") == "redirect" and (
        action.get("RedirectConfig") or {}).get("Protocol") == "HTTPS"


def _classic_verdict(ctx: AwsApi, lb: dict[str, Any]) -> Result:
    name = lb["LoadBalancerName"]
    arn = _classic_arn(ctx, lb)
    problems, seen = [], []
    for desc in lb.get("ListenerDescriptions") or []:
        listener = desc.get("Listener") or {}
        protocol, port = listener.get("Protocol"), listener.get("LoadBalancerPort")
        seen.append(f"{protocol}:{port}")
        if str(protocol).upper() not in ENCRYPTED_CLASSIC:
            problems.append(f"{protocol} listener on port {port} is not encrypted")
            continue
        names = desc.get("PolicyNames") or []
        if not names:
            continue
        policies = ctx.call("elb", "describe_load_balancer_policies", LoadBalancerName=name,
                            PolicyNames=names)["PolicyDescriptions"]
        weak = sorted({a["AttributeName"].removeprefix("Protocol-")
                       for p in policies for a in p.get("PolicyAttributeDescriptions") or []
                       if a.get("AttributeName") in CLASSIC_WEAK
                       and a.get("AttributeValue") == "true"})
        if weak:
            problems.append(f"{protocol} listener on port {port} allows {', '.join(weak)}")
    return Result.of(arn, not problems,
                     f"every listener is encrypted with TLS 1.2 or newer ({', '.join(seen)})",
                     "; ".join(problems))
