"""A third-party client, pymyob 3.x, pointed at the sandbox: it signs in through the sandbox's
consent page and reads back the invoices our connector created — proof that the sandbox speaks
MYOB's dialect (paths with trailing slashes, its filter syntax, its error bodies), not only ours."""

import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from myob import api as myob_api
from myob import credentials as myob_credentials
from myob import managers as myob_managers
from myob.constants import AuthScope
from myob.credentials import PartnerCredentials
from myob.exceptions import MyobBadRequest, MyobConflict, MyobRateLimitExceeded

from sandbox.myob.models import MyobApiKey
from sandbox.myob.services import faults_set
from tests.myob.test_connector import post_order
from tests.support.myob_sandbox import CLIENT_ID, CLIENT_SECRET, cftoken
from tests.support.orders import order


def consent(authorize_url: str, business) -> dict:
    """A person on the sandbox's consent page: approve and pick the company file."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=10)
    assert page.status_code == 200 and business.name in page.text
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    form |= {"business": str(business.uid), "decision": "approve"}
    answer = browser.post(
        page.url, data=form, headers={"Referer": page.url}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


def test_pymyob_signs_in_and_reads_back_the_connectors_invoices(
    live_server, myob_key, business, myob_connection, monkeypatch
):
    post_order(myob_connection, order("1101"))
    post_order(myob_connection, order("1102"))
    MyobApiKey.objects.filter(pk=myob_key.pk).update(per_second_limit=1000)

    monkeypatch.setattr(
        myob_credentials, "MYOB_PARTNER_BASE_URL", f"{live_server.url}/sandbox/myob/oauth2/"
    )
    monkeypatch.setattr(
        myob_managers, "MYOB_BASE_URL", f"{live_server.url}/sandbox/myob/accountright/"
    )
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the sandbox is plain http
    scopes = (
        AuthScope.COMPANY_FILE,
        AuthScope.SALES,
        AuthScope.CONTACTS_CUSTOMER,
        AuthScope.GENERAL_LEDGER,
    )
    cred = PartnerCredentials(CLIENT_ID, CLIENT_SECRET, myob_key.redirect_uri, scopes=scopes)
    redirect = consent(cred.url, business)
    assert redirect["businessId"] == str(business.uid)  # prompt=consent: the file comes back
    cred.verify(redirect["code"], redirect["businessId"])
    assert cred.oauth_token.startswith(
        "sbx-at-"
    ) and cred.oauth_expires_at > datetime.now() + timedelta(minutes=19)

    company = myob_api.Myob(cred)
    cf = {"x-myobapi-cftoken": cftoken()}
    listed = company.invoices.item(headers=cf)
    assert listed["Count"] == 2 and {i["CustomerPurchaseOrderNumber"] for i in listed["Items"]} == {
        "BC-1101",
        "BC-1102",
    }
    found = company.invoices.item(CustomerPurchaseOrderNumber="BC-1102", headers=cf)["Items"]
    assert len(found) == 1
    invoice = company.invoices.get_item(uid=found[0]["UID"], headers=cf)
    assert [line["Item"]["Number"] for line in invoice["Lines"]] == ["TENT-2P", "MUG-STEEL"]
    assert invoice["Customer"]["UID"] == company.contacts.customer(headers=cf)["Items"][0]["UID"]
    recent = company.contacts.customer(
        LastModified__gt=datetime.utcnow() - timedelta(hours=1), headers=cf
    )
    assert recent["Count"] == 1

    # Its error handling reads the sandbox's error bodies as MYOB's.
    with pytest.raises(MyobConflict):
        company.invoices.put_item(
            uid=invoice["UID"], data={**invoice, "RowVersion": "1"}, headers=cf
        )
    with pytest.raises(MyobBadRequest) as bad:
        company.invoices.post_item(data={"Lines": []}, headers=cf)
    assert "Required" in bad.value.problem
    faults_set(business, fault_rate_limited=1)
    with pytest.raises(MyobRateLimitExceeded):
        company.general_ledger.taxcode(headers=cf)

    # A file linked to the my.MYOB login: no cftoken at all.
    type(business).objects.filter(pk=business.pk).update(requires_cftoken=False)
    assert company.business()["Name"] == business.name
    # And the refresh rotates its token.
    old = cred.refresh_token
    cred.refresh()
    assert cred.refresh_token != old and company.general_ledger.taxcode()["Count"] == 4
