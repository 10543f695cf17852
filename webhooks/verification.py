"""Is this delivery really from the connection's BigCommerce store?

BigCommerce signs with Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`),
keyed by the API account's client secret, base64-encoded before it is handed to the library (as
BigCommerce's own sample does). Hooks of store API accounts that are not signed carry instead the
shared secret we set as a custom header when registering the hook.
"""

import base64
import hmac

from standardwebhooks import Webhook, WebhookVerificationError

SECRET_HEADER = "X-ML-Connector-Secret"  # noqa: S105 - a header name, not a secret


class SignatureError(Exception):
    pass


def verify(connection, body: bytes, headers) -> str:
    """Returns how the delivery was proven ("signature" or "shared-secret"); raises otherwise."""
    if headers.get("webhook-signature"):
        if not connection.bc_client_secret:
            raise SignatureError("signed delivery, but no client secret is stored to check it")
        key = base64.b64encode(connection.bc_client_secret.encode()).decode()
        try:
            # Parsing is ours to do (a malformed body is a 400, not a forgery).
            Webhook(key).verify(body, dict(headers), json_parse=False)
        except (WebhookVerificationError, UnicodeDecodeError, ValueError) as exc:
            raise SignatureError(str(exc) or type(exc).__name__) from exc
        return "signature"
    presented = headers.get(SECRET_HEADER, "")
    # As bytes: compare_digest refuses a str with non-ASCII characters (a TypeError, so a 500).
    if presented and hmac.compare_digest(_utf8(presented), _utf8(connection.webhook_secret)):
        return "shared-secret"
    raise SignatureError("no valid signature and no valid shared-secret header")


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")
