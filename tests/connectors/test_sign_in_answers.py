"""'Connect MYOB' and 'Connect Exact Online' when the vendor's code exchange answers something
unreadable (a proxy's HTML page, JSON without a token, an absurd lifetime): the person signing in
is sent back to the connection with a plain message naming the vendor, no token is stored, and
the callback page never fails with a 500. The vendor is a scripted server over real HTTP."""

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse

from tenants.models import OAuthToken
from tests.factories import ConnectionFactory
from tests.support.scripted_server import Answer

HOSTILE = {
    "an HTML page": Answer(200, b"<html>Bad gateway</html>", {"Content-Type": "text/html"}),
    "JSON that is a list": Answer(200, ["access_token"]),
    "no access token": Answer(200, {"token_type": "bearer", "expires_in": 600}),
    "an access token that is a number": Answer(200, {"access_token": 7, "expires_in": 600}),
    "a lifetime of a thousand years": Answer(
        200, {"access_token": "fresh-token-value", "expires_in": 3.2e10}
    ),
    "a lifetime that is text": Answer(
        200, {"access_token": "fresh-token-value", "expires_in": "soon"}
    ),
}

VENDORS = {
    "myob": ("myob:connect", "myob:connect-callback", "MYOB", {"businessId": "bid-1"}),
    "exact_online": ("exact_online:connect", "exact_online:connect-callback", "Exact Online", {}),
}


@pytest.fixture
def vendor_settings(vendor_server):
    with override_settings(
        MYOB_OAUTH_URL=f"{vendor_server.url}/myob-oauth", MYOB_CLIENT_ID="sign-in-test-key",
        MYOB_CLIENT_SECRET="sign-in-test-app-secret", EXACT_BASE_URL=vendor_server.url,
        EXACT_CLIENT_ID="sign-in-test-app", EXACT_CLIENT_SECRET="sign-in-test-app-secret",
    ):  # fmt: skip
        yield vendor_server


@pytest.mark.django_db
@pytest.mark.parametrize("kind", VENDORS)
@pytest.mark.parametrize("answer", HOSTILE)
def test_an_unreadable_code_exchange_is_a_plain_message(
    client, owner, tenant, vendor_settings, kind, answer
):
    connect, callback, label, extra = VENDORS[kind]
    connection = ConnectionFactory(tenant=tenant, erp_kind=kind, erp_settings={"country": "nl"})
    client.force_login(owner)
    start = client.get(reverse(connect, args=[connection.pk]))
    state = dict(p.split("=", 1) for p in start["Location"].split("?", 1)[1].split("&"))["state"]
    vendor_settings.answer(HOSTILE[answer])

    back = client.get(reverse(callback), {"code": "a-code", "state": state, **extra})

    assert back.status_code == 302
    assert back["Location"] == reverse("admin:tenants_connection_change", args=[connection.pk])
    said = [str(m) for m in get_messages(back.wsgi_request)]
    assert len(said) == 1 and label in said[0], said
    assert not OAuthToken.objects.filter(connection=connection).exists()
    assert [s.method for s in vendor_settings.seen] == ["POST"]  # the one code exchange
