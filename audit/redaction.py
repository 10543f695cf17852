"""Secrets out of everything we keep or print: audit rows, log lines, error messages.

Two nets, because either alone leaks: by *name* (headers, JSON/form keys and query parameters that
carry credentials) and by *value* (every credential a process has handled is registered here, and
any text containing one is masked, wherever it appears).
"""

import json
import re
import threading
from collections.abc import Iterable
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "[redacted]"
MIN_SECRET_LENGTH = 6  # shorter values would mask innocent text

# Every ERP's own secret headers come from its spec (connectors/<kind>/spec.py).
SECRET_HEADERS = {
    "authorization",
    "proxy-authorization",
    "x-auth-token",
    "cookie",
    "set-cookie",
    "webhook-signature",
    "x-ml-connector-secret",
}
# Keys in JSON, form bodies and query strings (compared lower-case, '-' and '_' ignored).
SECRET_KEYS = {
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "clientsecret",
    "password",
    "operatorpassword",
    "companypassword",
    "clientassertion",
    "secret",
    "token",
    "apikey",
    "userid",  # SYSPRO's session id is a bearer credential
    "clientstate",  # Business Central's webhook subscriptions: their only proof of origin
}


# In forms and query strings (OAuth requests and callbacks) `code` is an authorization code and
# `state` ties a callback to its sign-in; in JSON `code` is an ERP's account or tax code, and
# `state` an address's, which the audit log must keep readable.
SECRET_PARAMS = SECRET_KEYS | {"code", "state"}


def _spelled_any_way(key: str) -> str:
    """A regex for a normalised key as it may be written: any case, '_' or '-' between letters."""
    return "[_-]?".join(re.escape(char) for char in key)


# A secret parameter's `name=value` inside free text: a request line, a logged URL, a bare query
# string, a `next=` address whose own query is percent-encoded. The value runs to the next
# separator. Only secret names match, so an outer pair never swallows a secret nested in it.
_SECRET_QUERY_PAIR = re.compile(
    r"(?:^|(?<=[?&;])|(?<=%3F)|(?<=%26))"  # the start, or after ?, &, ; or their encoded forms
    rf"(?P<name>{'|'.join(_spelled_any_way(k) for k in sorted(SECRET_PARAMS, key=len, reverse=True))})"
    r"(?P<equals>=|%3D)(?P<value>(?:(?!%26)[^&\s#'\"<>])+)",
    re.IGNORECASE,
)


def _normal(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


@cache
def _erp_secret_headers() -> frozenset[str]:
    # Asked for on first use, not at import: gunicorn's logger imports this module before Django
    # is set up.
    from connectors.registry import erp_secret_headers

    return erp_secret_headers()


def is_secret_header(name: str) -> bool:
    name = name.lower()
    return name in SECRET_HEADERS or name in _erp_secret_headers()


def is_secret_key(key: str) -> bool:
    return _normal(key) in SECRET_KEYS


def is_secret_param(key: str) -> bool:
    return _normal(key) in SECRET_PARAMS


class _KnownSecrets:
    """Credential values this process has handled; `mask()` hides them in any text."""

    def __init__(self):
        self._values: set[str] = set()
        self._lock = threading.Lock()
        self._pattern: re.Pattern | None = None

    def add(self, *values) -> None:
        new = {str(v) for v in values if v and len(str(v)) >= MIN_SECRET_LENGTH}
        with self._lock:
            if not new <= self._values:
                self._values |= new
                # Longest first, so a secret that contains another is masked whole.
                ordered = sorted(self._values, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(v) for v in ordered))

    def mask(self, text: str) -> str:
        pattern = self._pattern
        if not text or pattern is None:
            return text
        return pattern.sub(MASK, text)


known_secrets = _KnownSecrets()


def collect_secret_values(data) -> list[str]:
    """Every leaf string of a secrets dict (e.g. Connection.erp_secrets)."""
    if isinstance(data, dict):
        return [v for value in data.values() for v in collect_secret_values(value)]
    if isinstance(data, list | tuple):
        return [v for value in data for v in collect_secret_values(value)]
    return [str(data)] if data not in (None, "") else []


def redact_headers(headers) -> dict:
    return {
        k: (MASK if is_secret_header(k) else known_secrets.mask(str(v)))
        for k, v in dict(headers or {}).items()
    }


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    query = urlencode(
        [(k, MASK if is_secret_param(k) else v) for k, v in parse_qsl(parts.query, True)],
        safe="[]",
    )
    netloc = parts.netloc.rsplit("@", 1)[-1]  # user:password@host
    return known_secrets.mask(urlunsplit((parts.scheme, netloc, parts.path, query, "")))


def redact_data(value):
    """A parsed JSON document with secret keys masked (recursively)."""
    if isinstance(value, dict):
        return {
            k: (MASK if is_secret_key(k) and v not in (None, "") else redact_data(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_data(v) for v in value]
    return value


def redact_body(body, content_type: str = "", limit: int | None = None) -> str:
    """Text for the audit log: JSON pretty-printed and masked, forms masked, the rest value-masked."""
    if body in (None, b"", ""):
        return ""
    if isinstance(body, dict | list):
        text = json.dumps(redact_data(body), indent=2, ensure_ascii=False, default=str)
    else:
        raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        text = _redact_text(raw, content_type)
    text = known_secrets.mask(text)
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"\n… [{len(text) - limit} more characters not kept]"
    return text


def _redact_text(raw: str, content_type: str) -> str:
    stripped = raw.lstrip()
    if "json" in content_type or stripped[:1] in ("{", "["):
        try:
            return json.dumps(redact_data(json.loads(raw)), indent=2, ensure_ascii=False)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
            pass
    if "x-www-form-urlencoded" in content_type:
        pairs = parse_qsl(raw, keep_blank_values=True)
        return urlencode([(k, MASK if is_secret_param(k) else v) for k, v in pairs])
    return raw


def redact_query_values(text: str) -> str:
    """Free text with the values of secret query parameters masked wherever a query string
    appears in it (`?code=…&state=…`)."""
    if "=" not in text and "%3" not in text:
        return text
    return _SECRET_QUERY_PAIR.sub(lambda m: f"{m['name']}{m['equals']}{MASK}", text)


def redact_text(text: str) -> str:
    """Free text (error messages, log lines): known values and secret query parameters."""
    return known_secrets.mask(redact_query_values(text))


def register_secrets(values: Iterable) -> None:
    known_secrets.add(*values)
