"""Which addresses a webhook may be sent to: public ones, and those the operators allow."""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",   # AWS, GCP, Azure, OpenStack
    "fd00:ec2::254",     # AWS over IPv6
    "100.100.100.200",   # Alibaba Cloud
))


def address_refusal(address: str) -> str | None:
    """Why a webhook may not be sent to ``address`` (loopback, private, ...), or None when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "a non-public address"
    return None


@dataclass(frozen=True)
class AllowList:
    """``PTGHUB_WEBHOOK_ALLOW``: networks and host names webhooks may reach although not public."""

    networks: tuple = ()
    hosts: frozenset = frozenset()

    @classmethod
    def parse(cls, value: str | None) -> "AllowList":
        networks, hosts = [], set()
        for item in (value or "").split(","):
            item = item.strip()
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.lower().rstrip("."))
        return cls(tuple(networks), frozenset(hosts))

    def permits(self, host: str, address: str) -> bool:
        if host.lower().rstrip(".") in self.hosts:
            return True
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        return any(ip.version == net.version and ip in net for net in self.networks)


def host_refusal(host: str, addresses: list[str], allow: AllowList) -> str | None:
    """Why a webhook host that resolved to ``addresses`` is refused, or None when it may be called.

    Every address must be safe: a host with one public and one private address is refused, since
    the client may connect to either.
    """
    if not addresses:
        return f"host {host} does not resolve"
    for address in addresses:
        reason = address_refusal(address)
        if reason and not allow.permits(host, address):
            return f"host {host} resolves to {address}, {reason}; webhooks go to public addresses only"
    return None


def webhook_target(url: str) -> tuple[str, int] | str:
    """``(host, port)`` a webhook URL is sent to (the scheme's port when it names none), or why it is
    no webhook URL: not http(s), no host, or a port outside 1-65535."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http or https URL with a host"
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        return "has an invalid port (1 to 65535)"
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)
