"""'Connect MYOB': the authorization-code flow through the sandbox's consent page, the company
file confirmed with its user, and the mapping pickers filled from the company file."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from audit.models import ApiCall
from sandbox.models import AuthCode
from tenants.models import ConnectionStatus, OAuthToken
from tests.factories import ConnectionFactory
from tests.support.myob_sandbox import CF_PASSWORD, CF_USER


@pytest.fixture
def draft(tenant, myob_key):
    return ConnectionFactory(tenant=tenant, erp_kind="myob", erp_settings={}, erp_secrets={})


def approve(authorize_url: str, business, decision="approve") -> str:
    """The person on MYOB's page; returns where MYOB sends the browser back to."""
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    form |= {"business": str(business.uid), "decision": decision}
    answer = requests.post(page.url, data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    return answer.headers["Location"]


def start(client, connection) -> str:
    response = client.get(reverse("myob:connect", args=[connection.pk]))
    assert response.status_code == 302
    return response["Location"]


def callback_path(location: str) -> str:
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def test_connect_asks_for_consent_with_granular_scopes_and_stores_the_tokens(
    client, owner, draft, business, live_server
):
    client.force_login(owner)
    url = start(client, draft)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{live_server.url}/sandbox/myob/oauth2/account/authorize?")
    assert query["prompt"] == ["consent"] and query["response_type"] == ["code"]
    assert "sme-sales" in query["scope"][0].split() and "CompanyFile" not in query["scope"][0]
    assert query["redirect_uri"] == [f"{live_server.url}/myob/connect/callback/"]
    back = approve(url, business)
    assert parse_qs(urlsplit(back).query)["businessId"] == [str(business.uid)]
    page = client.get(callback_path(back))
    assert page["Location"] == reverse("myob:picker", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.erp_settings["business_id"] == str(business.uid)
    token = OAuthToken.objects.get(connection=draft, system="myob")
    assert token.access_token.startswith("sbx-at-") and token.refresh_token.startswith("sbx-rt-")
    assert 1190 <= (token.expires_at - token.obtained_at).total_seconds() <= 1200
    exchange = ApiCall.objects.get(operation="oauth.code_exchange")
    assert exchange.status_code == 200 and "[redacted]" in exchange.request_body
    assert AuthCode.objects.get().used
    # The code is single use: the same callback again is refused (state is gone too).
    assert client.get(callback_path(back)).status_code == 400


def test_a_forged_or_replayed_state_is_refused(client, owner, draft, business):
    client.force_login(owner)
    back = approve(start(client, draft), business)
    forged = callback_path(back).replace("state=", "state=x")
    response = client.get(forged)
    assert response.status_code == 400 and "not started here" in response.content.decode()
    assert not OAuthToken.objects.filter(connection=draft).exists()


def test_denied_consent_says_so(client, owner, draft, business):
    client.force_login(owner)
    back = approve(start(client, draft), business, decision="deny")
    page = client.get(callback_path(back), follow=True)
    assert "not granted (access_denied)" in page.content.decode()
    assert not OAuthToken.objects.filter(connection=draft).exists()


def connected(client, owner, draft, business):
    client.force_login(owner)
    client.get(callback_path(approve(start(client, draft), business)))
    draft.refresh_from_db()
    return draft


def test_the_company_file_user_is_checked_and_stored_encrypted(client, owner, draft, business):
    connection = connected(client, owner, draft, business)
    url = reverse("myob:picker", args=[connection.pk])
    page = client.get(url).content.decode()
    assert business.name in page and str(business.uid) in page
    wrong = client.post(
        url, {"username": CF_USER, "password": "cf-password-secret-wrong"}
    ).content.decode()
    assert "company file credentials" in wrong and "cf-password-secret" not in wrong
    right = client.post(url, {"username": CF_USER, "password": CF_PASSWORD})
    assert right["Location"] == reverse("myob:mappings", args=[connection.pk])
    connection.refresh_from_db()
    assert connection.erp_secrets["company_file_password"] == CF_PASSWORD
    assert connection.erp_settings["company_file_username"] == CF_USER


def test_mapping_pickers_list_the_files_values_and_only_those_save(client, owner, draft, business):
    connection = connected(client, owner, draft, business)
    client.post(
        reverse("myob:picker", args=[connection.pk]),
        {"username": CF_USER, "password": CF_PASSWORD},
    )
    url = reverse("myob:mappings", args=[connection.pk])
    page = client.get(url).content.decode()
    for value in ("GST", "FRE", "N-T", "4-1000", "4-2000", "SHIPPING"):
        assert f'value="{value}"' in page
    assert 'value="1-1200"' not in page  # an asset account is not an income account
    data = {"tax_code_taxable": "GST", "tax_code_non_taxable": "FRE", "freight_tax_code": "GST",
            "unmapped_sku_account": "4-1000", "tax_inclusive": "order", "invoice_number": "order",
            "invoice_number_prefix": "W", "freight_item": ""}  # fmt: skip
    bad = client.post(url, {**data, "tax_code_taxable": "VAT"})
    assert (
        bad.status_code == 200 and "VAT is not one of the available choices" in bad.content.decode()
    )
    saved = client.post(url, data)
    assert saved.status_code == 302
    connection.refresh_from_db()
    assert connection.erp_settings["unmapped_sku_account"] == "4-1000"
    assert connection.erp_settings["invoice_number_prefix"] == "W"
    assert connection.erp_settings["business_id"] == str(business.uid)


def test_reconnecting_revives_a_connection_that_needed_it(client, owner, draft, business):
    draft.status = ConnectionStatus.NEEDS_RECONNECT
    draft.save()
    connected(client, owner, draft, business)
    assert draft.status == ConnectionStatus.ACTIVE and draft.last_error == ""


def test_viewers_and_other_tenants_cannot_connect(client, member, outsider, draft):
    client.force_login(member)
    assert client.get(reverse("myob:connect", args=[draft.pk])).status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("myob:connect", args=[draft.pk])).status_code == 404
    assert client.get(reverse("myob:mappings", args=[draft.pk])).status_code == 404


def test_mapping_settings_saved_through_the_connection_form_are_checked_against_the_file(
    myob_connection,
):
    from django.core.exceptions import ValidationError

    from tenants.services import connection_save

    with pytest.raises(ValidationError) as refused:
        connection_save(tenant=myob_connection.tenant, erp_kind="myob", values={},
                        erp_config={"tax_code_taxable": "VAT", "freight_item": "NOPE"}, connection=myob_connection)  # fmt: skip
    errors = refused.value.message_dict
    assert errors["erp_tax_code_taxable"] == ["VAT is not in the MYOB company file."]
    assert errors["erp_freight_item"] == ["NOPE is not in the MYOB company file."]
    saved = connection_save(tenant=myob_connection.tenant, erp_kind="myob", values={},
                            erp_config={"tax_code_taxable": "gst", "unmapped_sku_account": "4-1100"}, connection=myob_connection)  # fmt: skip
    assert saved.erp_settings["unmapped_sku_account"] == "4-1100"
    assert saved.erp_secrets["company_file_password"] == CF_PASSWORD  # kept, not blanked


def test_the_connection_page_has_the_connect_button_for_owners_only(
    client, owner, member, myob_connection
):
    url = reverse("admin:tenants_connection_change", args=[myob_connection.pk])
    client.force_login(owner)
    page = client.get(url).content.decode()
    assert (
        reverse("myob:connect", args=[myob_connection.pk]) in page and 'id="myob-mappings"' in page
    )
    client.force_login(member)
    assert 'id="connect-myob"' not in client.get(url).content.decode()


def test_the_demo_connects_to_its_sandbox_file_without_typing_anything(tenant, myob_key):
    from connectors.myob.connector import MyobConnector
    from sandbox.myob.services import demo_company_file, demo_tokens

    key = (myob_key.client_id, myob_key.client_secret, myob_key.redirect_uri)
    business = demo_company_file(*key)
    assert demo_company_file(*key) == business
    connection = ConnectionFactory(tenant=tenant, erp_kind="myob", erp_settings={}, erp_secrets={})
    setup_connect(connection, demo_tokens(myob_key.client_id, business), business)
    result = MyobConnector(type(connection).objects.get(pk=connection.pk)).check()
    assert result.ok and business.name in result.message


def setup_connect(connection, tokens, business):
    from connectors.myob.setup import connection_connect

    connection_connect(
        connection, tokens=tokens, business_id=str(business.uid), business_name=business.name
    )
