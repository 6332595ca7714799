"""Network exposure: can the internet reach a TCP or UDP port through a rule set? One semantics
for AWS security groups, GCP VPC firewall rules and Azure network security groups.

Pure logic, no I/O. The dialects (`checks._network_dialects`) translate each provider's rules
into `Rule`s; `exposures` evaluates them on address and port *sets*, never on literal strings:

- **The internet** is every globally reachable address: all of IPv4 except the IANA
  special-purpose blocks that are not globally reachable (RFC 1918, CGN 100.64/10, loopback,
  link-local, documentation, benchmarking, 0/8, multicast and 240/4), or all of IPv6 global
  unicast (2000::/3). A port is exposed when the sources allowed to reach it, together, cover
  the internet of either family: `0.0.0.0/0`, `0.0.0.0/1` + `128.0.0.0/1`, or a list of every
  public block all do; a single public /32 or half of IPv4 does not.
- **Order**: rules are taken by priority (lowest number first) and, at equal priority, Deny
  before Allow (GCP's rule; Azure priorities are unique; AWS has only allows). Each source
  address is decided by the first rule that matches it, so a Deny shadows a later Allow for
  exactly the addresses and ports it covers. Traffic no rule allows is denied (the implied or
  default deny of all three providers).
- **Protocols**: only TCP and UDP carry ports. `all` / `-1` / `*` match both; ICMP, ICMPv6, ESP,
  AH, GRE and every other protocol open no TCP or UDP port.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network, summarize_address_range

Span = tuple[int, int]
"""An inclusive range of integers (addresses or ports)."""

ADMIN_PORTS: tuple[int, ...] = (22, 1433, 1521, 3306, 3389, 5432, 5985, 5986, 6379, 27017)
"""The one default of `admin_ports` on all three clouds: remote administration (SSH 22, RDP
3389, WinRM 5985/5986: CIS benchmarks and Microsoft Defender's management ports) and database
ports (MSSQL 1433, Oracle 1521, MySQL 3306, PostgreSQL 5432, Redis 6379, MongoDB 27017: the
catalog's AWS row and Prowler's high-risk ports)."""

TRANSPORTS = ("tcp", "udp")
ALL_PORTS: tuple[Span, ...] = ((0, 65535),)
V4_SIZE, V6_SIZE = 1 << 32, 1 << 128
NOT_INTERNET_V4 = ("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
                   "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16",
                   "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3")
"""IPv4 blocks that are not the internet (IANA special-purpose registry, Globally Reachable =
False, plus multicast and reserved 224.0.0.0/3, which are never a packet's source)."""
INTERNET_TAGS = frozenset({"*", "any", "internet", "0.0.0.0", "::"})
"""Sources read as the whole address space (Azure's `*`, `Any`, `Internet`; bare 0.0.0.0/::)."""
OTHER_PROTOCOLS = frozenset({"icmp", "icmpv6", "esp", "ah", "gre", "sctp", "ipip"})


def _merge(spans: Iterable[Span]) -> tuple[Span, ...]:
    out: list[Span] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return tuple(out)


def _minus(spans: tuple[Span, ...], cut: tuple[Span, ...]) -> tuple[Span, ...]:
    out: list[Span] = []
    for lo, hi in spans:
        for clo, chi in cut:
            if chi < lo or clo > hi:
                continue
            if clo > lo:
                out.append((lo, clo - 1))
            lo = chi + 1
            if lo > hi:
                break
        if lo <= hi:
            out.append((lo, hi))
    return tuple(out)


def _span(net: IPv4Network | IPv6Network) -> Span:
    return int(net.network_address), int(net.broadcast_address)


@dataclass(frozen=True)
class Addresses:
    """A set of IPv4 and IPv6 addresses, as merged inclusive integer spans per family."""

    v4: tuple[Span, ...] = ()
    v6: tuple[Span, ...] = ()

    @classmethod
    def of(cls, networks: Iterable[IPv4Network | IPv6Network]) -> Addresses:
        nets = list(networks)
        return cls(_merge(_span(n) for n in nets if n.version == 4),
                   _merge(_span(n) for n in nets if n.version == 6))

    @classmethod
    def everything(cls) -> Addresses:
        return cls(((0, V4_SIZE - 1),), ((0, V6_SIZE - 1),))

    def __or__(self, other: Addresses) -> Addresses:
        return Addresses(_merge(self.v4 + other.v4), _merge(self.v6 + other.v6))

    def __sub__(self, other: Addresses) -> Addresses:
        return Addresses(_minus(self.v4, other.v4), _minus(self.v6, other.v6))

    def __bool__(self) -> bool:
        return bool(self.v4 or self.v6)

    def __contains__(self, address: object) -> bool:
        addr = ip_address(str(address))
        spans = self.v4 if addr.version == 4 else self.v6
        return any(lo <= int(addr) <= hi for lo, hi in spans)

    def reaches_internet(self) -> bool:
        """Some internet address is in the set."""
        return bool(INTERNET - (INTERNET - self))

    def covers_internet(self) -> bool:
        """Every internet address of IPv4, or every one of IPv6, is in the set."""
        left = INTERNET - self
        return not left.v4 or not left.v6


INTERNET = Addresses(((0, V4_SIZE - 1),), ()) - Addresses.of(
    ip_network(n) for n in NOT_INTERNET_V4) | Addresses.of([ip_network("2000::/3")])
"""The globally reachable addresses (see the module docstring)."""


def parse_source(text: object) -> Addresses | None:
    """A source written as a CIDR, an address, an `a-b` address range or an internet tag; None
    for anything else (an Azure service tag such as `VirtualNetwork`, a malformed value)."""
    value = str(text or "").strip()
    if value.lower() in INTERNET_TAGS:
        return Addresses.everything()
    try:
        if "-" in value:
            first, _, last = value.partition("-")
            return Addresses.of(summarize_address_range(ip_address(first.strip()),
                                                        ip_address(last.strip())))
        return Addresses.of([ip_network(value, strict=False)])
    except (ValueError, TypeError):
        return None


def parse_ports(text: object) -> Span | None:
    """A destination port spec: `*`, `22` or `1000-2000` (inclusive); None when malformed."""
    value = str(text if text is not None else "").strip()
    if value == "*":
        return ALL_PORTS[0]
    low, dash, high = value.partition("-")
    try:
        lo, hi = int(low), int(high) if dash else int(low)
    except ValueError:
        return None
    return (lo, hi) if 0 <= lo <= hi <= 65535 else None


def transports(protocol: object) -> frozenset[str] | None:
    """Which of TCP/UDP a protocol name or number carries: both for `all`/`-1`/`*`, none for
    ICMP, ESP, AH, GRE and any other protocol; None when the value is not a protocol at all."""
    value = str(protocol if protocol is not None else "").strip().lower()
    if value in ("all", "-1", "*"):
        return frozenset(TRANSPORTS)
    if value in ("tcp", "6"):
        return frozenset({"tcp"})
    if value in ("udp", "17"):
        return frozenset({"udp"})
    if value in OTHER_PROTOCOLS or (value.isdigit() and 0 <= int(value) <= 255):
        return frozenset()
    return None


@dataclass(frozen=True)
class Rule:
    """One provider rule, normalised: what it does to which TCP/UDP ports from which sources."""

    name: str
    allow: bool
    transports: frozenset[str]
    ports: tuple[Span, ...]
    sources: Addresses
    priority: int = 0

    def matches(self, transport: str, port: int) -> bool:
        return transport in self.transports and any(lo <= port <= hi for lo, hi in self.ports)


@dataclass(frozen=True)
class Exposure:
    """An admin port the internet reaches, and the allow rules that admit internet sources."""

    transport: str
    port: int
    rules: tuple[str, ...]


def exposures(rules: Iterable[Rule], ports: Iterable[int]) -> list[Exposure]:
    """Every (transport, port) among `ports` whose allowed sources cover the internet."""
    ordered = sorted(rules, key=lambda r: (r.priority, r.allow))
    found: list[Exposure] = []
    for port in sorted({int(p) for p in ports}):
        for transport in TRANSPORTS:
            allowed = decided = Addresses()
            names: list[str] = []
            for rule in ordered:
                if not rule.matches(transport, port):
                    continue
                fresh = rule.sources - decided
                if rule.allow:
                    allowed = allowed | fresh
                    if fresh.reaches_internet() and rule.name not in names:
                        names.append(rule.name)
                decided = decided | rule.sources
            if allowed.covers_internet():
                found.append(Exposure(transport, port, tuple(names)))
    return found


def describe(found: Sequence[Exposure]) -> str:
    """`tcp 22, udp 22 (rules a, b); tcp 3389 (rule c)`: exposures grouped by rule set."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for e in found:
        groups.setdefault(e.rules, []).append(f"{e.transport} {e.port}")
    return "; ".join(f"{', '.join(what)} (rule{'s' if len(r) > 1 else ''} {', '.join(r)})"
                     for r, what in groups.items())
