"""SYSPRO: a company of its own in the sandbox (its operator, warehouse WH01, the store's SKUs as
stock items), reached over e.net REST with the operator's password; each order a billing sales
order (SORTOI) invoiced at once (SORTIC). The store charges 10 % GST: the kit maps the store's
10 % to the sandbox company's tax code A and 0 % to E, and SYSPRO computes the tax."""

from sandbox.syspro.models import SysproOperator
from sandbox.syspro.services import call_log, faults_set, sales_orders, stock_remove
from tenants.models import OAuthToken
from tests.erp_contract.kits import Document, Kit, cents
from tests.factories import ConnectionFactory
from tests.support.syspro_sandbox import syspro_sandbox
from tests.support.unconfirmed_writes import FAULTS, posted_once_then_found

TAX_CODES = "10=A, 0=E"
PRODUCT_CLASS = "_WEB"  # non-stock charges (handling, an order's unallotted discount)


def syspro_settings(company, **settings) -> dict:
    return {
        "server_url": company.server_url, "operator": company.operator,
        "company_id": company.company_id, "warehouse": "WH01", "order_mode": "billing",
        "customer_code_scheme": "prefix", "customer_code_prefix": "BC",
        "product_class": PRODUCT_CLASS, "tax_codes": TAX_CODES, "price_handling": "store",
        **settings,
    }  # fmt: skip


def syspro_secrets(company) -> dict:
    return {"operator_password": company.operator_password,
            "company_password": company.company_password}  # fmt: skip


def syspro_connected(company, tenant, **settings):
    """A connection (no store behind it) to the sandbox company `company`."""
    return ConnectionFactory(
        tenant=tenant, erp_kind="syspro", erp_settings=syspro_settings(company, **settings),
        erp_secrets=syspro_secrets(company),
    )  # fmt: skip


def syspro_shop(live_server, tenant, *, name: str, **settings):
    """(store, connection, company): a sandbox store joined to a new sandbox SYSPRO company;
    not yet activated (the first call logs on)."""
    from sandbox.bigcommerce.services import store_create

    company = syspro_sandbox(live_server)
    store = store_create(name, quota=1_000_000)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind="syspro",
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
        erp_settings=syspro_settings(company, **settings), erp_secrets=syspro_secrets(company),
    )  # fmt: skip
    return store, connection, company


def the_orders(company, order_id) -> list[dict]:
    reference = f"BigCommerce {order_id}"
    return [o for o in sales_orders(company) if o["CustomerPoNumber"] == reference]


class SysproKit(Kit):
    kind = "syspro"
    label = "SYSPRO"
    unmapped_sku_setting = "Stock Code Maintenance"
    # The intake and pipeline contracts again on SQLite (4 tests, about 40 s): SYSPRO's session
    # turn and its fenced GET writes take their SQLite paths while the sandbox answers from the
    # same app.
    embedded = True

    def connect(self, tenant, name):
        live_server = self.request.getfixturevalue("live_server")
        store, connection, self.company = syspro_shop(live_server, tenant, name=name)
        return store, connection

    def connect_draft(self, tenant):
        live_server = self.request.getfixturevalue("live_server")
        self.company = syspro_sandbox(live_server)
        return ConnectionFactory(
            tenant=tenant, erp_kind="syspro", erp_secrets={},
            erp_settings={**syspro_settings(self.company), "server_url": ""},
        )  # fmt: skip

    def documents(self, order_id):
        return [_document(order) for order in the_orders(self.company, order_id)]

    def unconfirmed_creates(self, fault):
        faults_set(self.company, fault_create_resource="SORTOI", **FAULTS[fault])

    def created_once_then_found(self, job):
        posted_once_then_found(
            job, create_operation="salesorders.create", lookup="CustomerPoNumber",
            document_id=job.erp_document_id,
        )  # fmt: skip

    def rate_limit_lower(self):
        # SYSPRO publishes no request limit (UNCONFIRMED) and the sandbox keeps none: what
        # limits a run is one call at a time per operator, which refuses nothing.
        return 1

    def rate_refusals(self):
        return 0

    def item_remove(self, sku):
        from sandbox.syspro.models import SysproStock

        self.removed = list(SysproStock.objects.filter(company=self.company, stock_code=sku))
        stock_remove(self.company, sku)

    def item_restore(self, sku):
        for row in self.removed:
            row.save()  # the same row again, id and all

    def credentials_spoil(self, connection):
        # Someone changed the operator's password in SYSPRO: the Logon is refused.
        SysproOperator.objects.filter(company=self.company).update(password="changed-in-syspro")

    def secrets(self, connection):
        tokens = OAuthToken.objects.filter(connection=connection)
        sessions = {call["session_id"].strip() for call in call_log(self.company)}
        return [
            self.company.operator_password, self.company.company_password,
            connection.bc_access_token, connection.bc_client_secret,
            *[t.access_token for t in tokens], *sorted(s for s in sessions if s),
        ]  # fmt: skip


def _document(order: dict) -> Document:
    """The sales order as SYSPRO totals it: its lines' values (quantity x price less the line
    discount), the freight line, the tax it computed from the tax codes."""
    total, tax = cents(order["total"]), cents(order["tax"])
    return Document(
        id=order["SalesOrder"],
        number=order["SalesOrder"],
        total_ex_tax=total,
        total_tax=tax,
        total_inc_tax=total + tax,
        shipping_ex_tax=sum((cents(f["FreightValue"]) for f in order["freight"]), cents(0)),
        lines=tuple(
            (line["StockCode"], cents(line["OrderQty"]), cents(line["Value"]))
            for line in order["lines"]
        ),
    )


KIT = SysproKit
