"""The in-test ERP (tests/support/fake_erp.py): the pipeline's side of each contract, without a
vendor's HTTP."""

import pytest

from sandbox.bigcommerce.services import store_create
from tests.erp_contract.kits import Document, Kit, cents
from tests.factories import ConnectionFactory
from tests.support.fake_erp import KIND, ledger

API_KEY = "fake-erp-key-secret-7"
FAULT_COUNT = 3  # as the sandboxes' switches: a create repeated in place would make three


class FakeErpKit(Kit):
    kind = KIND
    label = "Fake ERP"
    unmapped_sku_setting = "income account for unmapped SKUs"
    embedded = True

    def connect(self, tenant, name):
        live_server = self.request.getfixturevalue("live_server")
        store = store_create(name, quota=100_000)
        connection = ConnectionFactory(
            tenant=tenant, store_hash=store.store_hash, erp_kind=KIND,
            bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
            bc_access_token=store.access_token, bc_client_secret=store.client_secret,
            erp_secrets={"api_key": API_KEY},
        )  # fmt: skip
        self._ledger_for(connection)
        return store, connection

    def _ledger_for(self, connection):
        self.ledger = ledger(connection.pk)
        self.ledger.clear()
        self.ledger.api_key_require(API_KEY)
        self.request.addfinalizer(self.ledger.clear)

    def connect_draft(self, tenant):
        connection = ConnectionFactory(tenant=tenant, erp_kind=KIND, erp_secrets={})
        self._ledger_for(connection)
        return connection

    def documents(self, order_id):
        return [_document(d) for d in self.ledger.documents() if d["order_id"] == str(order_id)]

    def unconfirmed_creates(self, fault):
        # Both reach the pipeline as the same AmbiguousWrite: the fake has no HTTP to hang.
        self.ledger.creates_unconfirmed(FAULT_COUNT)

    def created_once_then_found(self, job):
        calls = self.ledger.calls()
        assert calls.count("create_sales_document") == 1, calls
        after = calls[calls.index("create_sales_document") + 1 :]
        assert "find_sales_document" in after, f"no look-up after the unconfirmed create: {calls}"

    def rate_limit_lower(self):
        pytest.skip("the fake ERP sends no HTTP, so it has no rate limit or budget to respect")

    def item_remove(self, sku):
        self.ledger.refuse_sku(sku)

    def item_restore(self, sku):
        self.ledger.accept_sku(sku)

    def credentials_spoil(self, connection):
        connection.erp_secrets = {"api_key": "not-the-key"}
        connection.save()

    def secrets(self, connection):
        return [API_KEY, connection.bc_access_token, connection.bc_client_secret]


def _document(stored: dict) -> Document:
    quantities = [(sku, quantity) for sku, quantity, _ in stored["lines"]]
    lines = zip(quantities, stored["line_totals_ex_tax"], strict=True)
    return Document(
        id=stored["ref"]["id"],
        number=stored["ref"]["number"],
        total_ex_tax=cents(stored["total_ex_tax"]),
        total_tax=cents(stored["total_tax"]),
        total_inc_tax=cents(stored["total_inc_tax"]),
        shipping_ex_tax=cents(stored["shipping_ex_tax"]),
        lines=tuple((sku, cents(quantity), cents(total)) for (sku, quantity), total in lines),
    )


KIT = FakeErpKit
