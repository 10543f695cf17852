"""The Orders view links an Acumatica sales order to Acumatica's own record address
(<instance>/Main?CompanyID=…&ScreenId=SO301000&OrderType=…&OrderNbr=…), which the sandbox
Acumatica serves as a read-only page, through the real pipeline (the store's webhook, a worker,
the sandbox over HTTP)."""

from urllib.parse import urlsplit

from django.urls import reverse

from sandbox.bigcommerce.services import place_test_order
from sync.document_links import document_link
from sync.models import JobState
from tests.acumatica.test_end_to_end import order_job, shop  # noqa: F401 - the fixture


def test_a_sales_order_number_opens_its_page_in_the_sandbox_acumatica(shop, client, owner):  # noqa: F811
    store, connection, _ = shop()
    ada = store.customers.get(email="ada@example.com")
    place_test_order(store, items=[("TENT-2P", 2), ("MUG-STEEL", 3)], customer=ada)
    job = order_job(connection)
    assert job.state == JobState.SUCCEEDED, job.last_error
    url = document_link(job)
    order_type, number = job.erp_document_number.split()
    assert url.startswith(connection.erp_settings["instance_url"] + "/Main?")
    assert f"ScreenId=SO301000&OrderType={order_type}&OrderNbr={number}" in url
    client.force_login(owner)
    listing = client.get(reverse("admin:sync_orderjob_changelist")).content.decode()
    assert f">{job.erp_document_number}</a>" in listing
    address = urlsplit(url)
    page = client.get(address.path, dict(p.split("=") for p in address.query.split("&")))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Sales order {order_type} {number}" in html and "TENT-2P" in html
    gone = client.get(address.path, {"ScreenId": "SO301000", "OrderType": "SO", "OrderNbr": "X"})
    assert gone.status_code == 404
