"""MYOB AccountRight: a company file of its own in the sandbox, reached as our platform's app."""

from contextlib import ExitStack

from sandbox.myob.models import MyobApiKey, MyobApiRequest, MyobRecord
from sandbox.myob.services import faults_set
from tenants.models import OAuthToken
from tests.erp_contract.kits import Document, Kit, cents
from tests.factories import ConnectionFactory
from tests.support.myob_sandbox import (
    CF_PASSWORD,
    CLIENT_SECRET,
    cftoken,
    invoices,
    myob_app,
    myob_shop,
    myob_worker_env,
)
from tests.support.unconfirmed_writes import FAULTS, posted_once_then_found

LOW_LIMIT = 2  # calls a second; we draw 7


class MyobKit(Kit):
    kind = "myob"
    label = "MYOB"
    unmapped_sku_setting = "Income account for SKUs without a MYOB item"

    def _app(self):
        if not hasattr(self, "key"):
            live_server = self.request.getfixturevalue("live_server")
            stack = ExitStack()
            self.request.addfinalizer(stack.close)
            self.key = stack.enter_context(myob_app(live_server))
        return self.key

    def connect(self, tenant, name):
        live_server = self.request.getfixturevalue("live_server")
        store, connection, self.business = myob_shop(live_server, tenant, self._app(), name=name)
        return store, connection

    def connect_draft(self, tenant):
        self._app()
        return ConnectionFactory(tenant=tenant, erp_kind="myob", erp_settings={}, erp_secrets={})

    @classmethod
    def worker_env(cls, live_server):
        return myob_worker_env(live_server)

    def documents(self, order_id):
        return [
            _document(invoice)
            for invoice in invoices(self.business)
            if invoice.data["CustomerPurchaseOrderNumber"] == f"BC-{order_id}"
        ]

    def unconfirmed_creates(self, fault):
        faults_set(self.business, fault_create_resource="Sale/Invoice", **FAULTS[fault])

    def created_once_then_found(self, job):
        (invoice,) = [i for i in invoices(self.business) if str(i.uid) == job.erp_document_id]
        posted_once_then_found(
            job,
            create_operation=f"{invoice.resource.replace('/', '.').lower()}.create",
            lookup="CustomerPurchaseOrderNumber",
            document_id=job.erp_document_id,
        )

    def rate_limit_lower(self):
        MyobApiKey.objects.filter(pk=self._app().pk).update(per_second_limit=LOW_LIMIT)
        return LOW_LIMIT

    def rate_refusals(self):
        return MyobApiRequest.objects.filter(error_name="RateLimitError").count()

    def item_remove(self, sku):
        items = MyobRecord.objects.filter(business=self.business, resource="Inventory/Item")
        self.removed = list(items.filter(data__Number=sku))
        assert items.filter(data__Number=sku).delete()[0] == 1

    def item_restore(self, sku):
        for row in self.removed:
            row.save()  # the same row again, id and all

    def credentials_spoil(self, connection):
        self.business.password = "changed-in-myob"
        self.business.save()

    def secrets(self, connection):
        tokens = OAuthToken.objects.filter(connection=connection)
        return [
            CLIENT_SECRET, CF_PASSWORD, cftoken(),
            connection.bc_access_token, connection.bc_client_secret,
            *[t.access_token for t in tokens], *[t.refresh_token for t in tokens],
        ]  # fmt: skip


def _document(invoice) -> Document:
    data = invoice.data
    return Document(
        id=str(invoice.uid),
        number=data["Number"],
        total_ex_tax=cents(data["TotalAmount"]) - cents(data["TotalTax"]),
        total_tax=cents(data["TotalTax"]),
        total_inc_tax=cents(data["TotalAmount"]),
        shipping_ex_tax=cents(data["Freight"]),
        lines=tuple(
            (line["Item"]["Number"], cents(line["ShipQuantity"]), cents(line["Total"]))
            for line in data["Lines"]
            if line.get("Item")
        ),
    )


KIT = MyobKit
