"""The address a request really came from, behind the TLS proxy (or load balancer) the
installation runs behind: each trusted proxy appends the address it received the request from to
X-Forwarded-For, so with TRUSTED_PROXY_COUNT proxies the client is that many entries from the
right. Entries further left were written by the client and can be anything; with no trusted
proxy (the default) the header is ignored and the connection's own address counts."""

from django.conf import settings


def client_address(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # Fewer entries than proxies: the request did not come through all of them.
        return remote
    return forwarded[-proxies]
