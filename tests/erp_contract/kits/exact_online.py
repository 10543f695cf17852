"""Exact Online: a division of its own in the sandbox, reached as our platform's app. The store
charges 10 % GST, so the kit gives the division a 10 % VAT code and maps taxed lines to it."""

import itertools
from contextlib import ExitStack

from sandbox.exact_online.models import ExactDivision, ExactRecord
from sandbox.exact_online.services import call_counts, faults_set, record_create
from tenants.models import OAuthToken
from tests.erp_contract.kits import Document, Kit, cents
from tests.factories import ConnectionFactory
from tests.support.exact_online_sandbox import (
    CLIENT_SECRET,
    exact_app,
    exact_shop,
    exact_worker_env,
    invoices,
)
from tests.support.unconfirmed_writes import FAULTS, posted_once_then_found

WINDOW = 4  # Exact's rate "minute", shrunk on both sides (the same code path)
LOW_LIMIT = 12  # calls per window; we would draw 55
SHIPPING = "SHIPPING"
_divisions = itertools.count(900001)
UNKNOWN_DIVISION = 899999


class ExactOnlineKit(Kit):
    kind = "exact_online"
    label = "Exact Online"
    unmapped_sku_setting = "Item for SKUs Exact does not have"

    def _app(self):
        if not hasattr(self, "app"):
            live_server = self.request.getfixturevalue("live_server")
            self.request.getfixturevalue("settings").EXACT_RATE_WINDOW_SECONDS = WINDOW
            stack = ExitStack()
            self.request.addfinalizer(stack.close)
            self.app = stack.enter_context(exact_app(live_server))
        return self.app

    def connect(self, tenant, name):
        live_server = self.request.getfixturevalue("live_server")
        store, connection, self.division = exact_shop(
            live_server, tenant, self._app(), name=name, division=next(_divisions),
            window=WINDOW, vat_taxable="10", vat_shipping="10",
        )  # fmt: skip
        body = {"Code": "10", "Description": "GST 10%", "Percentage": 0.10, "Type": "B",
                "VATTransactionType": "S", "IsBlocked": False}  # fmt: skip
        record_create(self.division, "vat/VATCodes", body)
        return store, connection

    def connect_draft(self, tenant):
        self._app()
        return ConnectionFactory(
            tenant=tenant, erp_kind="exact_online", erp_settings={"country": "nl"}, erp_secrets={}
        )

    @classmethod
    def worker_env(cls, live_server):
        return exact_worker_env(live_server, WINDOW)

    def documents(self, order_id):
        return [
            _document(invoice)
            for invoice in invoices(self.division)
            if invoice["YourRef"] == f"BC-{order_id}"
        ]

    def unconfirmed_creates(self, fault):
        faults_set(
            self.division, fault_create_resource="salesinvoice/SalesInvoices", **FAULTS[fault]
        )

    def created_once_then_found(self, job):
        posted_once_then_found(
            job,
            create_operation="salesinvoice.salesinvoices.create",
            lookup="YourRef",
            document_id=job.erp_document_id,
        )

    def rate_limit_lower(self):
        ExactDivision.objects.filter(pk=self.division.pk).update(minutely_limit=LOW_LIMIT)
        return LOW_LIMIT

    def rate_refusals(self):
        return call_counts(self.division)["429"]

    def item_remove(self, sku):
        items = ExactRecord.objects.filter(division=self.division, resource="logistics/Items")
        self.removed = list(items.filter(data__Code=sku))
        assert items.filter(data__Code=sku).delete()[0] == 1

    def item_restore(self, sku):
        for row in self.removed:
            row.save()  # the same row again, id and all

    def credentials_spoil(self, connection):
        # A division the sign-in was not granted (a just-issued token cannot be refreshed for
        # 570 s, so a withdrawn consent would fail on that first).
        connection.erp_settings = {**connection.erp_settings, "division": UNKNOWN_DIVISION}
        connection.save()

    def secrets(self, connection):
        tokens = OAuthToken.objects.filter(connection=connection)
        return [
            CLIENT_SECRET, connection.bc_access_token, connection.bc_client_secret,
            *[t.access_token for t in tokens], *[t.refresh_token for t in tokens],
        ]  # fmt: skip


def _document(invoice: dict) -> Document:
    lines = invoice["SalesInvoiceLines"]
    shipping = [cents(line["AmountFC"]) for line in lines if line["ItemCode"] == SHIPPING]
    return Document(
        id=invoice["InvoiceID"],
        number=str(invoice["InvoiceNumber"]),
        total_ex_tax=cents(invoice["AmountFCExclVat"]),
        total_tax=cents(invoice["VATAmountFC"]),
        total_inc_tax=cents(invoice["AmountFC"]),
        shipping_ex_tax=sum(shipping, cents(0)),
        lines=tuple(
            (line["ItemCode"], cents(line["Quantity"]), cents(line["AmountFC"]))
            for line in lines
            if line["ItemCode"] != SHIPPING
        ),
    )


KIT = ExactOnlineKit
