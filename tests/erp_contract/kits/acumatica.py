"""Acumatica: an instance and tenant of its own in the sandbox, reached with a connected
application and a dedicated API user (the ROPC sign-in), documents as sales orders. The store
charges 10 % GST: the kit posts it on the tax ID "GST10" as the store computed it."""

import itertools

from sandbox.acumatica.services import (
    DEMO_ITEMS,
    call_counts,
    faults_set,
    licence_set,
    plain_records,
    stock_item_set,
)
from tenants.models import OAuthToken
from tests.erp_contract.kits import Document, Kit, cents
from tests.factories import ConnectionFactory
from tests.support.acumatica_sandbox import PASSWORD, USERNAME, VERSION, acumatica_create
from tests.support.unconfirmed_writes import FAULTS, posted_once_then_found

WINDOW = 4  # the licence's "minute", shrunk on both sides (the same code path)
LOW_LIMIT = 6  # requests per window; half of it is where the licence starts delaying
TAX_ID = "GST10"
_names = itertools.count(1)


def acumatica_settings(acu, **settings) -> dict:
    return {
        "instance_url": acu.url, "endpoint_version": VERSION, "tenant": acu.tenant.name,
        "client_id": acu.app.client_id, "sign_in": "api_user", "username": USERNAME,
        "document": "sales_order", "order_type": "SO", "customer_class": "WEB",
        "tax_id": TAX_ID, **settings,
    }  # fmt: skip


def acumatica_shop(live_server, tenant, *, name: str, licence: dict | None = None, **settings):
    """(store, connection, acu): a sandbox store joined to a new sandbox Acumatica instance (the
    store's starter items stocked) by an API-user connection; not yet activated, not signed in
    (the first call signs in)."""
    from sandbox.bigcommerce.services import store_create

    acu = acumatica_create(live_server, slug=f"acu-{name}-{next(_names)}", window_seconds=WINDOW,
                           **(licence or {}))  # fmt: skip
    for sku, description, price in DEMO_ITEMS:
        stock_item_set(acu.tenant, sku, price=price, description=description,
                       qty_by_warehouse={"WHOLESALE": 25})  # fmt: skip
    store = store_create(name, quota=1_000_000)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind="acumatica",
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
        erp_settings=acumatica_settings(acu, **settings),
        erp_secrets={"client_secret": acu.app.client_secret, "password": PASSWORD},
    )  # fmt: skip
    return store, connection, acu


def acumatica_worker_env() -> dict:
    return {"ACUMATICA_RATE_WINDOW_SECONDS": str(WINDOW), "ACUMATICA_ACTION_POLL_SECONDS": "0.2"}


class AcumaticaKit(Kit):
    kind = "acumatica"
    label = "Acumatica"
    unmapped_sku_setting = "Stock Items (IN202500)"

    def _settings(self):
        settings = self.request.getfixturevalue("settings")
        settings.ACUMATICA_RATE_WINDOW_SECONDS = WINDOW
        settings.ACUMATICA_ACTION_POLL_SECONDS = 0.2

    def connect(self, tenant, name):
        self._settings()
        live_server = self.request.getfixturevalue("live_server")
        store, connection, self.acu = acumatica_shop(live_server, tenant, name=name)
        return store, connection

    def connect_draft(self, tenant):
        self._settings()
        live_server = self.request.getfixturevalue("live_server")
        self.acu = acumatica_create(live_server, slug=f"acu-draft-{next(_names)}")
        return ConnectionFactory(
            tenant=tenant, erp_kind="acumatica", erp_secrets={},
            erp_settings={**acumatica_settings(self.acu), "sign_in": "connect"},
        )  # fmt: skip

    @classmethod
    def worker_env(cls, live_server):
        return acumatica_worker_env()

    def documents(self, order_id):
        return [
            _document(order)
            for order in plain_records(self.acu.tenant, "SalesOrder")
            if order.get("ExternalRef") == f"BC-{order_id}"
        ]

    def unconfirmed_creates(self, fault):
        faults_set(self.acu.tenant, fault_create_resource="SalesOrder", **FAULTS[fault])

    def created_once_then_found(self, job):
        posted_once_then_found(
            job, create_operation="salesorder.create", lookup="ExternalRef",
            document_id=job.erp_document_id,
        )  # fmt: skip

    def rate_limit_lower(self):
        licence_set(self.acu.instance, requests_per_minute=LOW_LIMIT)
        return LOW_LIMIT

    def rate_refusals(self):
        return call_counts(self.acu.tenant)["429"]

    def item_remove(self, sku):
        from sandbox.acumatica.models import AcuRecord

        items = AcuRecord.objects.filter(tenant=self.acu.tenant, entity="StockItem", keys=sku)
        self.removed = list(items)
        removed = items.delete()[0]
        assert removed == 1, removed

    def item_restore(self, sku):
        for row in self.removed:
            row.save()  # the same row again, id and all

    def credentials_spoil(self, connection):
        # The instance stops serving the pinned version (an upgrade removed it).
        licence_set(self.acu.instance, versions=["23.200.001"])

    def secrets(self, connection):
        tokens = OAuthToken.objects.filter(connection=connection)
        return [
            self.acu.app.client_secret, PASSWORD, connection.bc_access_token,
            connection.bc_client_secret,
            *[t.access_token for t in tokens], *[t.refresh_token for t in tokens],
        ]  # fmt: skip


def _document(order: dict) -> Document:
    """The sales order as Acumatica totals it: OrderTotal with the tax posted on it (TaxTotal),
    each line's Amount after its discount."""
    total, tax = cents(order["OrderTotal"]), cents(order.get("TaxTotal") or 0)
    return Document(
        id=str(order["id"]),
        number=f"{order['OrderType']} {order['OrderNbr']}",
        total_ex_tax=total - tax,
        total_tax=tax,
        total_inc_tax=total,
        shipping_ex_tax=cents((order.get("Totals") or {}).get("Freight") or 0),
        lines=tuple(
            (line["InventoryID"], cents(line["OrderQty"]), cents(line["Amount"]))
            for line in order.get("Details") or []
        ),
    )


KIT = AcumaticaKit
