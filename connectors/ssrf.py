"""Outbound calls go to public internet addresses only (except the sandbox in demo/test mode).

Checked at call time, not only when the URL is saved, because DNS answers change.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from connectors.errors import UnsafeDestination

# IPv6 ranges that carry an IPv4 address in their low 32 bits and reach it through a translator
# (RFC 6052 NAT64) or directly (deprecated IPv4-compatible). 6to4 and Teredo are read by ipaddress.
IPV4_IN_LOW_BITS = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::/96"))
NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: never globally reachable


def private_destinations_allowed() -> bool:
    return settings.DEMO_MODE


def check_destination(url: str, *, allow_private: bool | None = None) -> None:
    allow_private = private_destinations_allowed() if allow_private is None else allow_private
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise UnsafeDestination(f"{url!r} is not a complete web address.")
    if parts.scheme != "https" and not allow_private:
        raise UnsafeDestination(
            f"{host} must be reached over https:// — ml-connector never sends credentials over "
            "plain http. Change the address to start with https://."
        )
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise UnsafeDestination(
            f"{host} could not be found (DNS: {exc.strerror}). Check the address for typos."
        ) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        unsafe = next((a for a in (address, *embedded_ipv4(address)) if not _public(a)), None)
        if unsafe is not None:
            shown = address if unsafe == address else f"{address} (which carries {unsafe})"
            raise UnsafeDestination(
                f"{host} resolves to {shown}, a private, loopback or link-local address. "
                "ml-connector only calls addresses on the public internet: use the public "
                "address of your server."
            )


def _public(address) -> bool:
    return address.is_global and not address.is_multicast and address not in NAT64_LOCAL_USE


def embedded_ipv4(address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to (mapped, compatible, NAT64, 6to4, Teredo
    server and client): Python calls several of these forms global even when they embed
    127.0.0.1, so each embedded address must be public too."""
    if address.version != 6:
        return []
    found = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if any(address in network for network in IPV4_IN_LOW_BITS):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [a for a in found if a is not None]
