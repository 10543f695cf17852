"""Outbound calls go to public internet addresses only (except the sandbox in demo/test mode).

Checked at call time, not only when the URL is saved, because DNS answers change.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from connectors.errors import UnsafeDestination


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
        if not address.is_global or address.is_multicast:
            raise UnsafeDestination(
                f"{host} resolves to {address}, a private, loopback or link-local address. "
                "ml-connector only calls addresses on the public internet: use the public "
                "address of your server."
            )
