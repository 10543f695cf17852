"""IPv6 addresses that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are judged
by the IPv4 address inside: each of these reaches the embedded host through a translator or relay,
and Python's `is_global` calls several of them public even when they embed 127.0.0.1."""

import pytest

from connectors.errors import UnsafeDestination
from connectors.ssrf import check_destination


@pytest.mark.parametrize(
    "url",
    [
        "https://[::127.0.0.1]/",  # IPv4-compatible loopback
        "https://[::10.0.0.7]/",  # IPv4-compatible private
        "https://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
        "https://[::ffff:169.254.169.254]/",  # IPv4-mapped cloud metadata
        "https://[64:ff9b::7f00:1]/",  # NAT64 (well-known prefix) of 127.0.0.1
        "https://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
        "https://[64:ff9b:1::a00:7]/",  # NAT64 local-use prefix: never public
        "https://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
        "https://[2002:c0a8:10a::1]/",  # 6to4 of 192.168.1.10
        "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",  # Teredo, client 127.0.0.1
    ],
)
def test_ipv6_forms_of_private_ipv4_addresses_are_refused(url):
    with pytest.raises(UnsafeDestination, match="public internet"):
        check_destination(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "https://[::ffff:8.8.8.8]/",
        "https://[64:ff9b::808:808]/",  # NAT64 of 8.8.8.8
        "https://[2002:808:808::1]/",  # 6to4 of 8.8.8.8
        "https://[2606:4700:4700::1111]/",  # an ordinary public IPv6 address
    ],
)
def test_ipv6_forms_of_public_addresses_pass(url):
    check_destination(url, allow_private=False)


def test_the_refusal_names_the_embedded_address():
    with pytest.raises(UnsafeDestination, match=r"127\.0\.0\.1"):
        check_destination("https://[64:ff9b::7f00:1]/", allow_private=False)
