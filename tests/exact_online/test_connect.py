"""'Connect Exact Online': the sign-in through the sandbox's consent page, the division picked
from the ones the user may use, and the mapping pickers filled from the division."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from audit.models import ApiCall
from sandbox.exact_online.services import division_create
from sandbox.models import AuthCode
from tenants.models import ConnectionStatus, OAuthToken
from tests.factories import ConnectionFactory


@pytest.fixture
def draft(tenant, exact_app):
    return ConnectionFactory(
        tenant=tenant, erp_kind="exact_online", erp_settings={"country": "nl"}, erp_secrets={}
    )


def approve(authorize_url: str, division, decision="approve") -> str:
    """The person on Exact's page; returns where Exact sends the browser back to."""
    import re

    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    form |= {"division": str(division.code), "decision": decision}
    answer = requests.post(page.url, data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    return answer.headers["Location"]


def back_path(client, location: str) -> str:
    """Where the browser lands back: the address registered with Exact, from before the pages
    moved to /exact_online/, answers with the callback's, query string and all."""
    parts = urlsplit(location)
    assert parts.path == "/exact/connect/callback/"
    moved = client.get(f"{parts.path}?{parts.query}")
    assert moved.status_code == 302
    assert moved["Location"] == f"{reverse('exact_online:connect-callback')}?{parts.query}"
    return moved["Location"]


def connected(client, owner, draft, division):
    client.force_login(owner)
    start = client.get(reverse("exact_online:connect", args=[draft.pk]))
    page = client.get(back_path(client, approve(start["Location"], division)))
    assert page["Location"] == reverse("exact_online:picker", args=[draft.pk])
    chosen = client.post(
        reverse("exact_online:picker", args=[draft.pk]), {"division": division.code}
    )
    assert chosen.status_code == 302, chosen.content.decode()[-2000:]
    draft.refresh_from_db()
    return draft


def test_connect_signs_in_then_the_division_is_picked_and_checked(
    client, owner, draft, division, live_server
):
    other = division_create(division.code + 1, "Second B.V.")
    client.force_login(owner)
    start = client.get(reverse("exact_online:connect", args=[draft.pk]))
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"{live_server.url}/sandbox/exact_online/api/oauth2/auth?")
    assert query["redirect_uri"] == [f"{live_server.url}/exact/connect/callback/"]
    back = approve(start["Location"], division)
    assert client.get(back_path(client, back))["Location"] == reverse(
        "exact_online:picker", args=[draft.pk]
    )
    token = OAuthToken.objects.get(connection=draft, system="exact_online")
    assert token.access_token.startswith("sbx-exact-at-")
    assert 590 <= (token.expires_at - token.obtained_at).total_seconds() <= 600
    assert "[redacted]" in ApiCall.objects.get(operation="oauth.code_exchange").request_body
    assert AuthCode.objects.get().used

    page = client.get(reverse("exact_online:picker", args=[draft.pk])).content.decode()
    assert f'value="{division.code}"' in page and f'value="{other.code}"' in page
    chosen = client.post(
        reverse("exact_online:picker", args=[draft.pk]), {"division": division.code}
    )
    assert chosen["Location"] == reverse("exact_online:mappings", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.erp_settings["division"] == division.code
    # The callback is single use (the state is gone).
    assert client.get(back_path(client, back)).status_code == 400


def test_denied_consent_and_a_forged_state_say_so(client, owner, draft, division):
    client.force_login(owner)
    start = client.get(reverse("exact_online:connect", args=[draft.pk]))
    denied = client.get(
        back_path(client, approve(start["Location"], division, decision="deny")), follow=True
    )
    assert "access was not granted" in denied.content.decode()
    forged = client.get(reverse("exact_online:connect-callback") + "?code=x&state=made-up")
    assert forged.status_code == 400 and "not started here" in forged.content.decode()


def test_mapping_pickers_list_the_divisions_values_and_only_those_save(
    client, owner, draft, division
):
    connection = connected(client, owner, draft, division)
    url = reverse("exact_online:mappings", args=[connection.pk])
    page = client.get(url).content.decode()
    for value in ("70", "8000", "8050", "WEB", "UK", "SHIPPING", "TENT-2P"):
        assert f'value="{value}"' in page
    assert 'value="71"' not in page  # a returns journal is not a sales journal
    data = {"journal": "70", "gl_revenue": "8010", "vat_taxable": "2", "vat_non_taxable": "0",
            "vat_shipping": "2", "shipping_item": "SHIPPING", "shipping_gl": "", "cost_center": "WEB",
            "cost_center_rules": "country=GB -> UK", "unmapped_sku_item": ""}  # fmt: skip
    bad_rule = client.post(url, {**data, "cost_center_rules": "country=GB -> MARS"})
    assert "Cost centre MARS is not in the division." in bad_rule.content.decode()
    typo = client.post(url, {**data, "cost_center_rules": "planet=Mars"})
    assert "is not a rule" in typo.content.decode()
    assert client.post(url, data).status_code == 302
    connection.refresh_from_db()
    assert connection.erp_settings["gl_revenue"] == "8010"
    assert connection.erp_settings["cost_center_rules"] == "country=GB -> UK"
    assert connection.erp_settings["division"] == division.code


def test_reconnecting_revives_a_connection_that_needed_it(client, owner, draft, division):
    draft.status = ConnectionStatus.NEEDS_RECONNECT
    draft.save()
    connection = connected(client, owner, draft, division)
    assert connection.status == ConnectionStatus.ACTIVE and connection.last_error == ""


def test_viewers_and_other_tenants_cannot_connect(client, member, outsider, draft):
    client.force_login(member)
    assert client.get(reverse("exact_online:connect", args=[draft.pk])).status_code == 403
    client.force_login(outsider)
    for name in ("exact_online:connect", "exact_online:picker", "exact_online:mappings"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404


def test_settings_saved_through_the_connection_form_are_checked_against_the_division(
    exact_connection,
):
    from django.core.exceptions import ValidationError

    from tenants.services import connection_save

    base = {"country": "nl", "division": exact_connection.erp_settings["division"]}
    with pytest.raises(ValidationError) as refused:
        connection_save(tenant=exact_connection.tenant, erp_kind="exact_online", values={},
                        erp_config={**base, "journal": "10", "cost_center": "MARS"},
                        connection=exact_connection)  # fmt: skip
    errors = refused.value.message_dict
    assert errors["erp_journal"] == ["10 is not in the Exact Online division."]
    assert errors["erp_cost_center"] == ["MARS is not in the Exact Online division."]
    saved = connection_save(tenant=exact_connection.tenant, erp_kind="exact_online", values={},
                            erp_config={**base, "journal": "70", "cost_center": "EU"},
                            connection=exact_connection)  # fmt: skip
    assert saved.erp_settings["cost_center"] == "EU"


def test_the_connection_page_has_the_connect_button_for_owners_only(
    client, owner, member, exact_connection
):
    url = reverse("admin:tenants_connection_change", args=[exact_connection.pk])
    client.force_login(owner)
    page = client.get(url).content.decode()
    assert 'id="connect-exact"' in page and 'id="exact-mappings"' in page
    client.force_login(member)
    assert 'id="connect-exact"' not in client.get(url).content.decode()
