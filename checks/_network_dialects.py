"""The three providers' rule dialects, read into `checks._network.Rule`s (pure, no I/O).

Where a field is missing or malformed (which the providers' APIs do not return), the reading
errs towards exposure: an Allow is read as wide as it could be, a Deny as denying nothing.
Provider documents: AWS EC2 API `IpPermission`; Google compute.v1 `Firewall` (discovery
document); Azure Network REST spec `SecurityRulePropertiesFormat`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from checks._network import (
    ALL_PORTS,
    TRANSPORTS,
    Addresses,
    Rule,
    Span,
    parse_ports,
    parse_source,
    transports,
)

AZURE_DEFAULT_INBOUND: tuple[dict[str, Any], ...] = tuple(
    {"name": name, "properties": {"priority": priority, "access": access, "protocol": "*",
                                  "direction": "Inbound", "sourceAddressPrefix": source,
                                  "sourcePortRange": "*", "destinationAddressPrefix": "*",
                                  "destinationPortRange": "*"}}
    for name, priority, access, source in (
        ("AllowVnetInBound", 65000, "Allow", "VirtualNetwork"),
        ("AllowAzureLoadBalancerInBound", 65001, "Allow", "AzureLoadBalancer"),
        ("DenyAllInBound", 65500, "Deny", "*")))
"""Azure's default inbound rules (fixed; none admits the internet), used when a response does
not list `defaultSecurityRules`."""
ANY_DESTINATION = frozenset({"", "*", "any", "0.0.0.0/0", "::/0"})


def _spans(specs: Iterable[object], allow: bool) -> tuple[Span, ...]:
    parsed = [parse_ports(s) for s in specs]
    if allow and (not parsed or None in parsed):
        return ALL_PORTS
    return tuple(p for p in parsed if p is not None)


def _sources(texts: Iterable[object], allow: bool, *, tags_are_internal: bool) -> Addresses:
    out = Addresses()
    for text in texts:
        parsed = parse_source(text)
        if parsed is None:
            parsed = Addresses.everything() if allow and not tags_are_internal else Addresses()
        out = out | parsed
    return out


def _rule(name: str, allow: bool, protocol: object, ports: Sequence[object] | None,
          sources: Addresses, priority: int = 0) -> Rule | None:
    """`ports` None means every port (the protocol's own wildcard)."""
    carried = transports(protocol)
    if carried is None:  # not a protocol we know: an Allow of everything, a Deny of nothing
        if not allow:
            return None
        carried, ports = frozenset(TRANSPORTS), None
    spans = ALL_PORTS if ports is None else _spans(ports, allow)
    return Rule(name, allow, carried, spans, sources, priority)


def aws_rules(group: Mapping[str, Any],
              prefix_lists: Mapping[str, Sequence[str]] | None = None) -> list[Rule]:
    """A security group's inbound `IpPermissions` (allow-only, so order does not matter).

    Sources: `IpRanges[].CidrIp`, `Ipv6Ranges[].CidrIpv6` and, when resolved in
    `prefix_lists` (id -> CIDRs), `PrefixListIds`; `UserIdGroupPairs` (other security groups)
    are instances' private addresses, not the internet. `-1` and protocol numbers other than
    6/17 ignore the port range (EC2 API); for TCP/UDP, `FromPort`..`ToPort`."""
    out: list[Rule] = []
    for perm in group.get("IpPermissions") or []:
        protocol = str(perm.get("IpProtocol", "-1")).lower()
        cidrs = [r.get("CidrIp") for r in perm.get("IpRanges") or []]
        cidrs += [r.get("CidrIpv6") for r in perm.get("Ipv6Ranges") or []]
        for ref in perm.get("PrefixListIds") or []:
            cidrs += list((prefix_lists or {}).get(str(ref.get("PrefixListId")), ()))
        low, high = perm.get("FromPort"), perm.get("ToPort")
        ranged = protocol in ("tcp", "udp", "6", "17") and low is not None and int(low) >= 0
        ports = [f"{int(low)}-{int(high if high is not None else low)}"] if ranged else None
        what = "all traffic" if protocol == "-1" else (
            f"{protocol} {low}" if low == high else f"{protocol} {low}-{high}")
        refs = [str(c) for c in cidrs if c] + [str(r.get("PrefixListId")) for r in
                                               perm.get("PrefixListIds") or []]
        name = f"{what} from {', '.join(dict.fromkeys(refs))}" if refs else what
        rule = _rule(name, True, protocol, ports,
                     _sources([c for c in cidrs if c], True, tags_are_internal=False))
        if rule is not None:
            out.append(rule)
    return out


def gcp_rules(firewalls: Iterable[Mapping[str, Any]]) -> list[Rule]:
    """One VPC network's firewall rules (`resource.data` of compute.googleapis.com/Firewall).

    Disabled and EGRESS rules do not count. An ingress rule with no sourceRanges, sourceTags
    or sourceServiceAccounts has source 0.0.0.0/0 (GCP's default); sourceTags and source
    service accounts are instances in the network, not the internet. Target tags, target
    service accounts and destinationRanges narrow a rule to some instances: such an Allow
    still counts in full, such a Deny shadows nothing (so no instance is ever missed)."""
    out: list[Rule] = []
    for fw in firewalls:
        if fw.get("disabled") is True or str(fw.get("direction") or "INGRESS") != "INGRESS":
            continue
        ranges = list(fw.get("sourceRanges") or [])
        if not ranges and not fw.get("sourceTags") and not fw.get("sourceServiceAccounts"):
            ranges = ["0.0.0.0/0"]
        narrowed = bool(fw.get("targetTags") or fw.get("targetServiceAccounts")
                        or fw.get("destinationRanges"))
        priority = int(float(fw.get("priority", 1000)))
        name = str(fw.get("name") or "")
        for key, allow in (("allowed", True), ("denied", False)):
            if not allow and narrowed:
                continue
            sources = _sources(ranges, allow, tags_are_internal=False)
            for entry in fw.get(key) or []:
                protocol = entry.get("IPProtocol", entry.get("ipProtocol"))
                ports = entry.get("ports")  # only for TCP/UDP (compute.v1): `all` ignores it
                rule = _rule(name, allow, protocol, list(ports)
                             if ports and str(protocol).lower() != "all" else None,
                             sources, priority)
                if rule is not None:
                    out.append(rule)
    return out


def azure_rules(nsg: Mapping[str, Any]) -> list[Rule]:
    """An NSG's inbound rules (`properties` of Microsoft.Network/networkSecurityGroups):
    `securityRules` plus `defaultSecurityRules` (Azure's fixed defaults when not listed).

    Sources `*`, `Any` and `Internet` are the internet; CIDRs, addresses and ranges are
    computed; other service tags (`VirtualNetwork`, `AzureLoadBalancer`, `AzureCloud`…) and
    application security groups are not the internet. A Deny whose destination or source
    ports are narrower than "any" shadows nothing; an Allow counts whatever its destination."""
    rows = list(nsg.get("securityRules") or [])
    rows += list(nsg.get("defaultSecurityRules") or AZURE_DEFAULT_INBOUND)
    out: list[Rule] = []
    for row in rows:
        p = row.get("properties") or row
        if str(p.get("direction", "")).lower() != "inbound":
            continue
        allow = str(p.get("access", "")).lower() != "deny"
        if not allow and not _deny_is_whole(p):
            continue
        texts = [p.get("sourceAddressPrefix"), *(p.get("sourceAddressPrefixes") or [])]
        texts = [t for t in texts if t]
        sources = _sources(texts, allow, tags_are_internal=True) if texts else (
            Addresses() if p.get("sourceApplicationSecurityGroups") or not allow
            else Addresses.everything())
        ports = [p.get("destinationPortRange"), *(p.get("destinationPortRanges") or [])]
        rule = _rule(str(row.get("name") or ""), allow, p.get("protocol"),
                     [x for x in ports if x is not None], sources, _int(p.get("priority")))
        if rule is not None:
            out.append(rule)
    return out


def _deny_is_whole(p: Mapping[str, Any]) -> bool:
    """A Deny applies to every destination address and every source port."""
    destinations = [p.get("destinationAddressPrefix"), *(p.get("destinationAddressPrefixes")
                                                         or [])]
    source_ports = [p.get("sourcePortRange"), *(p.get("sourcePortRanges") or [])]
    return (not p.get("destinationApplicationSecurityGroups")
            and all(str(d or "").strip().lower() in ANY_DESTINATION for d in destinations)
            and all(str(s or "*").strip() in ("*", "0-65535") for s in source_ports))


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0
