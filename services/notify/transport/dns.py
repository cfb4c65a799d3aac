"""Where a webhook may be sent: its URL's host resolved once, with a timeout, every address checked
by the domain's rule (:func:`services.notify.domain.host_refusal`), and the URL pinned to a checked
address.

**The address checked is the address connected to.** Each attempt resolves the URL's host once
(:func:`checked_addresses`) and sends the request to one of those checked IPs (:func:`pinned`),
with the URL's own ``Host`` header and, for https, its host name as SNI and for the certificate
check. Nothing resolves the name a second time, so a DNS answer that changes between the check and
the connection (DNS rebinding) never reaches a private address.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Callable

from yarl import URL

from .. import domain

Lookup = Callable[..., list]  # socket.getaddrinfo's signature: (host, port, type=...) -> [(.., sockaddr)]

# getaddrinfo has no timeout of its own: look-ups run here and are waited for at most dns_timeout.
_resolver = ThreadPoolExecutor(8, thread_name_prefix="dns")


def _literal(host: str) -> list[str] | None:
    """An IP literal is its own answer (nothing to look up)."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        return None


def _addresses(infos: list) -> list[str]:
    return sorted({info[4][0] for info in infos})


def resolve(host: str, port: int, timeout: float, lookup: Lookup = socket.getaddrinfo) -> list[str] | None:
    """The addresses ``host`` resolves to ([] when it does not), or None when the look-up took
    longer than ``timeout`` seconds."""
    literal = _literal(host)
    if literal is not None:
        return literal
    future = _resolver.submit(lookup, host, port, type=socket.SOCK_STREAM)
    try:
        return _addresses(future.result(timeout=timeout))
    except FutureTimeout:
        return None
    except (socket.gaierror, UnicodeError, OSError):
        return []


async def resolve_async(host: str, port: int, timeout: float, lookup: Lookup = socket.getaddrinfo) -> list[str] | None:
    """:func:`resolve` for the delivery loop: waiting for a slow look-up holds no thread but the
    look-up's own."""
    literal = _literal(host)
    if literal is not None:
        return literal
    future = asyncio.wrap_future(_resolver.submit(lookup, host, port, type=socket.SOCK_STREAM))
    try:
        return _addresses(await asyncio.wait_for(future, timeout))
    except asyncio.TimeoutError:
        return None
    except (socket.gaierror, UnicodeError, OSError):
        return []


def _checked(host: str, addresses: list[str] | None, allow: domain.AllowList,
             dns_timeout: float) -> tuple[list[str], str | None]:
    if addresses is None:
        return [], f"host {host} did not resolve within {dns_timeout:g} s"
    refusal = domain.host_refusal(host, addresses, allow)
    return ([], refusal) if refusal else (addresses, None)


def checked_addresses(url: str, allow: domain.AllowList, dns_timeout: float = 5.0,
                      lookup: Lookup = socket.getaddrinfo) -> tuple[list[str], str | None]:
    """``(addresses, None)``: every address ``url``'s host resolves to, each one safe to send to; or
    ``([], why)`` when the URL may not receive webhooks (it resolves to a loopback, private, ...
    address, or not at all within ``dns_timeout`` seconds). The host is resolved once, here."""
    target = domain.webhook_target(url)
    if isinstance(target, str):
        return [], target
    host, port = target
    return _checked(host, resolve(host, port, dns_timeout, lookup), allow, dns_timeout)


async def checked_addresses_async(url: str, allow: domain.AllowList, dns_timeout: float = 5.0,
                                  lookup: Lookup = socket.getaddrinfo) -> tuple[list[str], str | None]:
    """:func:`checked_addresses`, awaitable."""
    target = domain.webhook_target(url)
    if isinstance(target, str):
        return [], target
    host, port = target
    return _checked(host, await resolve_async(host, port, dns_timeout, lookup), allow, dns_timeout)


def url_refusal(url: str, allow: domain.AllowList, dns_timeout: float = 5.0,
                lookup: Lookup = socket.getaddrinfo) -> str | None:
    """Why ``url`` may not receive webhooks, or None (what subscribing checks)."""
    return checked_addresses(url, allow, dns_timeout, lookup)[1]


def pinned(url: str, address: str) -> tuple[URL, str]:
    """``(the URL with its host replaced by address, the Host header the original URL has)``."""
    original = URL(url)
    return original.with_host(address), original.host_port_subcomponent
