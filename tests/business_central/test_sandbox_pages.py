"""The sandbox Business Central's read-only document page (the demo links to it) and the
sandbox_bc_item command (a person's edit of an item, recorded as a change)."""

import io

import pytest
import requests
from django.core.management import CommandError, call_command

from sandbox.business_central import services
from sandbox.business_central.models import BcChange


def test_the_document_page_shows_an_invoice_escaped(bc, bc_client, live_server):
    invoice = bc_client.post(f"{bc.company_url}/salesInvoices", json={
        "customerNumber": bc.customer_template, "externalDocumentNumber": "BC-77",
        "salesInvoiceLines": [
            {"lineObjectNumber": "TENT-2P", "quantity": 1,
             "description": "<script>alert(1)</script> tent"},
            {"lineType": "Account", "lineObjectNumber": "40200", "quantity": 1, "unitPrice": 9}],
    }, timeout=10).json()  # fmt: skip
    url = services.document_url(live_server.url, bc.company, "salesInvoices", invoice["id"])
    page = requests.get(url, timeout=10)
    assert page.status_code == 200
    html = page.text
    assert "Sales invoice S-INV102001" in html and "BC-77" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; tent" in html and "<script>" not in html
    assert ">393.8<" in html  # 358 + 10 % GST 35.80
    assert "Web shop customers" in html
    missing = url.replace(invoice["id"], "11111111-2222-3333-4444-555555555555")
    assert requests.get(missing, timeout=10).status_code == 404
    template = services.record(bc.company, "customers", bc.customer_template)
    customer = services.document_url(live_server.url, bc.company, "customers", template["id"])
    assert requests.get(customer, timeout=10).status_code == 404  # not a sales document


@pytest.mark.django_db
def test_the_item_command_edits_an_item_as_a_person_would():
    sandbox = services.bc_create("http://testserver", slug="cmd")
    out = io.StringIO()
    call_command("sandbox_bc_item", "TENT-2P", "--price", "359.00", "--qty", "7", stdout=out)
    assert "Item TENT-2P changed in CRONUS." in out.getvalue()
    tent = services.record(sandbox.company, "items", "TENT-2P")
    assert tent["unitPrice"] == 359 and tent["inventory"] == 7
    assert BcChange.objects.filter(record_id=tent["id"], change_type="updated").exists()
    with pytest.raises(CommandError, match="Say what changes"):
        call_command("sandbox_bc_item", "TENT-2P")
    with pytest.raises(CommandError, match="No sandbox Business Central item 'NOPE'"):
        call_command("sandbox_bc_item", "NOPE", "--price", "1")
    services.bc_create("http://testserver", slug="cmd2", company="OTHER")
    with pytest.raises(CommandError, match="several companies"):
        call_command("sandbox_bc_item", "TENT-2P", "--price", "1")
    call_command("sandbox_bc_item", "TENT-2P", "--company", "OTHER", "--cost", "100", stdout=out)
    with pytest.raises(CommandError, match="is not a number"):
        call_command("sandbox_bc_item", "TENT-2P", "--price", "NaN")
