"""Business Central: a tenant, app, environment and company of its own in the sandbox, reached
with the app's client secret (msal through the connector's audited client, Microsoft's login host
sent to the sandbox's Entra stand-in), documents as posted sales invoices. The sandbox company
computes tax itself from the customer's tax area (the template customer's GST10, 10 %), as the
store charges it."""

import itertools

from sandbox.business_central.models import BcApp, BcRecord
from sandbox.business_central.services import call_counts, faults_set, limits_set, records
from tenants.models import OAuthToken
from tests.erp_contract.kits import Document, Kit, cents
from tests.factories import ConnectionFactory
from tests.support.bc_sandbox import bc_sandbox
from tests.support.unconfirmed_writes import FAULTS, posted_once_then_found

WINDOW = 4  # the sandbox's sliding window when the contract lowers its limit, in seconds
LOW_LIMIT = 6  # calls per window: under what one order needs
SHIPPING_ACCOUNT = "40200"  # Shipping Charges in the sandbox's chart of accounts
_names = itertools.count(1)


def bc_settings(bc, **settings) -> dict:
    return {
        "tenant_id": str(bc.tenant.entra_id), "environment": bc.environment.name,
        "company_id": str(bc.company.id), "client_id": bc.app.client_id,
        "document": "sales_invoice", "shipping_account": SHIPPING_ACCOUNT,
        "customer_template": bc.customer_template, "tax_check": "warn", **settings,
    }  # fmt: skip


def bc_urls(live_server) -> dict:
    """The settings (and a worker's environment) that reach the sandbox."""
    return {"BC_API_URL": f"{live_server.url}/sandbox/bc",
            "BC_ENTRA_URL": f"{live_server.url}/sandbox/entra"}  # fmt: skip


def bc_use_sandbox(settings, live_server) -> None:
    for name, value in bc_urls(live_server).items():
        setattr(settings, name, value)


def bc_connected(bc, tenant, **settings):
    """A connection (no store behind it) to the sandbox company `bc`, by its app."""
    return ConnectionFactory(
        tenant=tenant, erp_kind="business_central", erp_settings=bc_settings(bc, **settings),
        erp_secrets={"client_secret": bc.app.client_secret},
    )  # fmt: skip


def bc_shop(live_server, tenant, *, name: str, sandbox_options: dict | None = None, **settings):
    """(store, connection, bc): a sandbox store joined to a new sandbox Business Central company
    by its app; not yet activated, no token yet (the first call gets one)."""
    from sandbox.bigcommerce.services import store_create

    bc = bc_sandbox(live_server, **(sandbox_options or {}))
    store = store_create(name, quota=1_000_000)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind="business_central",
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
        erp_settings=bc_settings(bc, **settings),
        erp_secrets={"client_secret": bc.app.client_secret},
    )  # fmt: skip
    return store, connection, bc


class BusinessCentralKit(Kit):
    kind = "business_central"
    label = "Business Central"
    unmapped_sku_setting = "Items page"

    def connect(self, tenant, name):
        live_server = self.request.getfixturevalue("live_server")
        bc_use_sandbox(self.request.getfixturevalue("settings"), live_server)
        store, connection, self.bc = bc_shop(live_server, tenant, name=name)
        return store, connection

    def connect_draft(self, tenant):
        live_server = self.request.getfixturevalue("live_server")
        bc_use_sandbox(self.request.getfixturevalue("settings"), live_server)
        self.bc = bc_sandbox(live_server)
        return ConnectionFactory(
            tenant=tenant, erp_kind="business_central", erp_secrets={},
            erp_settings={**bc_settings(self.bc), "company_id": ""},
        )  # fmt: skip

    @classmethod
    def worker_env(cls, live_server):
        return bc_urls(live_server)

    def documents(self, order_id):
        return [
            _document(invoice)
            for invoice in records(self.bc.company, "salesInvoices")
            if invoice.get("customerPurchaseOrderReference") == f"BigCommerce {order_id}"
        ]

    def unconfirmed_creates(self, fault):
        faults_set(self.bc.environment, fault_create_resource="salesInvoices", **FAULTS[fault])

    def created_once_then_found(self, job):
        posted_once_then_found(
            job, create_operation="salesinvoices.create",
            lookup="customerPurchaseOrderReference", document_id=job.erp_document_id,
        )  # fmt: skip

    def rate_limit_lower(self):
        limits_set(self.bc.environment, requests_per_window=LOW_LIMIT, window_seconds=WINDOW)
        return LOW_LIMIT

    def rate_refusals(self):
        return call_counts(self.bc.environment)["429"]

    def item_remove(self, sku):
        items = BcRecord.objects.filter(company=self.bc.company, entity_set="items", number=sku)
        self.removed = list(items)
        removed = items.delete()[0]
        assert removed >= 1, removed

    def item_restore(self, sku):
        for row in self.removed:
            row.save()  # the same row again, id and all

    def credentials_spoil(self, connection):
        # The secret in the connection's settings expired: Entra refuses it.
        BcApp.objects.filter(pk=self.bc.app.pk).update(client_secret="sbx~bc~rotated")

    def secrets(self, connection):
        tokens = OAuthToken.objects.filter(connection=connection)
        return [
            self.bc.app.client_secret, connection.bc_access_token, connection.bc_client_secret,
            *[t.access_token for t in tokens],
        ]  # fmt: skip


def _document(invoice: dict) -> Document:
    """The invoice as Business Central totals it: its lines' amounts after line discounts, the
    shipping on the Account line, the tax it computed."""
    lines = invoice.get("salesInvoiceLines") or []
    shipping = sum(
        (cents(line.get("amountExcludingTax") or 0) for line in lines
         if line.get("lineType") == "Account"),
        cents(0),
    )  # fmt: skip
    return Document(
        id=str(invoice["id"]),
        number=str(invoice.get("number") or ""),
        total_ex_tax=cents(invoice["totalAmountExcludingTax"]),
        total_tax=cents(invoice["totalTaxAmount"]),
        total_inc_tax=cents(invoice["totalAmountIncludingTax"]),
        shipping_ex_tax=shipping,
        lines=tuple(
            (line["lineObjectNumber"], cents(line["quantity"]),
             cents(line.get("amountExcludingTax") or 0))
            for line in lines
            if line.get("lineType") == "Item"
        ),
    )  # fmt: skip


KIT = BusinessCentralKit
