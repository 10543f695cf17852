"""The Orders view links a MYOB invoice to the sandbox MYOB's read-only invoice page (the demo's
"open the document in the ERP"), through the real pipeline: the sandbox store's webhook, a
worker, the sandbox MYOB over HTTP."""

from urllib.parse import urlsplit

from django.urls import reverse

from sandbox.bigcommerce.services import place_test_order
from sync.document_links import document_link
from sync.models import JobKind, JobState, SyncJob
from tests.myob.test_end_to_end import shop  # noqa: F401 - the fixture
from tests.support.worker import jobs_settled, wait_until


def test_an_invoice_number_opens_its_page_in_the_sandbox_myob(shop, client, owner):  # noqa: F811
    store, connection, business = shop
    ada = store.customers.get(email="ada@example.com")
    place_test_order(store, items=[("TENT-2P", 2), ("MUG-STEEL", 3)], customer=ada)
    wait_until(jobs_settled(connection, 1, kind=JobKind.ORDER), timeout=40)
    job = SyncJob.objects.get(connection=connection, kind=JobKind.ORDER)
    assert job.state == JobState.SUCCEEDED, job.last_error
    url = document_link(job)
    assert url and f"/sandbox/myob/document/{business.uid}/{job.erp_document_id}/" in url
    client.force_login(owner)
    listing = client.get(reverse("admin:sync_orderjob_changelist")).content.decode()
    assert f'href="{url}"' in listing and f">{job.erp_document_number}</a>" in listing
    page = client.get(urlsplit(url).path)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Invoice {job.erp_document_number}" in html and "TENT-2P" in html
    assert (
        client.get(urlsplit(url).path.replace(job.erp_document_id, str(business.uid))).status_code
        == 404
    )
