"""Driving the sandbox SYSPRO (tests, the demo and the other parts): a company in one call
(syspro_create), a person's edits of stock and customers, the records as SYSPRO's tables show
them, fault switches, sessions, and what was asked (call_log, call_counts)."""

from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sandbox.syspro import sessions as session_store
from sandbox.syspro import tables
from sandbox.syspro.models import (
    SysproCall,
    SysproCompany,
    SysproCustomer,
    SysproInvoice,
    SysproOperator,
    SysproSalesOrder,
    SysproSession,
    SysproStock,
)

REST_PATH = "/sandbox/syspro/SYSPROWCFService/Rest"
WAREHOUSE = "WH01"
PRICE_CODE = "A"
# The default; tests and the demo read it from the operator row.
OPERATOR_PASSWORD = "sandbox-operator"  # noqa: S105
DEMO_STOCK = [
    ("TENT-2P", "Two-person tent", "349.00", 25), ("PACK-30L", "30 L daypack", "129.95", 25),
    ("STOVE-1", "Camp stove", "89.00", 25), ("MUG-STEEL", "Steel mug", "19.50", 25),
    ("JACKET-S", "Rain jacket S", "199.00", 25), ("JACKET-M", "Rain jacket M", "199.00", 25),
]  # fmt: skip


def server_url(base_url: str) -> str:
    """The server URL a person types for this sandbox (`…/SYSPROWCFService/Rest`)."""
    return base_url.rstrip("/") + REST_PATH


def document_url(base_url: str, company, kind: str, number: str) -> str:
    """The read-only page of a sales order ("order") or invoice ("invoice")."""
    from sandbox.syspro.pages import document_path

    return base_url.rstrip("/") + document_path(company.company_id, kind, number)


@transaction.atomic
def syspro_create(*, company_id: str = "EDU1", operator: str = "MLC",
                  operator_password: str = OPERATOR_PASSWORD, company_password: str = "",
                  seats: int = 3, stock=DEMO_STOCK, name: str = "",
                  idle_timeout_seconds: int | None = None) -> SysproCompany:  # fmt: skip
    """A company with its operator, warehouse WH01 and `stock` ((code, description, price,
    on hand) each, price under price code A)."""
    extra = {"idle_timeout_seconds": idle_timeout_seconds} if idle_timeout_seconds else {}
    company = SysproCompany.objects.create(
        company_id=company_id, name=name or f"{company_id} Outdoor Co",
        company_password=company_password, seats=seats, warehouses=[WAREHOUSE], **extra,
    )  # fmt: skip
    SysproOperator.objects.create(company=company, code=operator, password=operator_password,
                                  email=f"{operator.lower()}@example.com")  # fmt: skip
    for code, description, price, on_hand in stock:
        stock_set(company, code, description=description, price=price, on_hand=on_hand)
    return company


def operator_add(company, code: str, password: str = OPERATOR_PASSWORD) -> SysproOperator:
    """Another operator of the company (each operator has one session at a time)."""
    return SysproOperator.objects.create(company=company, code=code, password=password,
                                         email=f"{code.lower()}@example.com")  # fmt: skip


def stock_set(company, stock_code: str, *, description=None, price=None, on_hand=None,
              warehouse: str = WAREHOUSE) -> SysproStock:  # fmt: skip
    stock, _ = SysproStock.objects.get_or_create(company=company, stock_code=stock_code)
    if description is not None:
        stock.description = description[:50]
    if price is not None:
        stock.prices = {**stock.prices, PRICE_CODE: str(Decimal(str(price)))}
    quantities = stock.warehouses.get(warehouse, {"QtyOnHand": "0", "QtyAllocated": "0"})
    if on_hand is not None:
        quantities = {**quantities, "QtyOnHand": str(Decimal(str(on_hand)))}
    stock.warehouses = {**stock.warehouses, warehouse: quantities}
    stock.save()
    return stock


def stock_many(company, rows) -> None:
    """Many new stock items at once: (code, description, price, on hand) each."""
    SysproStock.objects.bulk_create(
        [SysproStock(company=company, stock_code=code, description=description[:50],
                     prices={PRICE_CODE: str(Decimal(str(price)))},
                     warehouses={WAREHOUSE: {"QtyOnHand": str(on_hand), "QtyAllocated": "0"}})
         for code, description, price, on_hand in rows],
        ignore_conflicts=True,
    )  # fmt: skip


def stock_remove(company, stock_code: str) -> None:
    SysproStock.objects.filter(company=company, stock_code=stock_code).delete()


def customer_set(company, code: str, **fields) -> dict:
    """An ArCustomer row made or changed as a person would in SYSPRO (fields by column name)."""
    unknown = set(fields) - set(tables.CUSTOMER_COLUMNS)
    if unknown:
        raise ValueError(f"not ArCustomer columns: {sorted(unknown)}")
    customer, _ = SysproCustomer.objects.get_or_create(
        company=company, code=code, defaults={"updated_at": timezone.now()}
    )
    customer.data = {**customer.data, **{k: str(v) for k, v in fields.items()}}
    customer.updated_at = timezone.now()
    customer.save()
    return tables.customer_row(customer.code, customer.data)


def customers(company) -> list[dict]:
    return tables.rows(company, "ArCustomer")


def customer(company, code: str) -> dict | None:
    found = SysproCustomer.objects.filter(company=company, code=code).first()
    return tables.customer_row(found.code, found.data) if found else None


def sales_orders(company) -> list[dict]:
    """Each: SalesOrder, Customer, CustomerPoNumber, OrderStatus, LastInvoice, OrderDate,
    header (as imported: ship-to, email…), lines, freight, misc, total, tax."""
    return [
        {"SalesOrder": o.sales_order, "Customer": o.customer,
         "CustomerPoNumber": o.customer_po_number, "OrderStatus": o.order_status,
         "LastInvoice": o.last_invoice, "OrderDate": o.order_date.isoformat(), **o.data}
        for o in SysproSalesOrder.objects.filter(company=company).order_by("sales_order")
    ]  # fmt: skip


def invoices(company) -> list[dict]:
    return [
        {"Invoice": i.invoice, "BusinessObject": i.business_object, "SalesOrder": i.sales_order,
         "Customer": i.customer, "InvoiceDate": i.invoice_date.isoformat(), **i.data}
        for i in SysproInvoice.objects.filter(company=company).order_by("invoice")
    ]  # fmt: skip


def faults_set(company, **switches) -> SysproCompany:
    """FaultSwitches' columns plus fault_session_kill, fault_logon_error, seats and
    max_request_bytes (HTTP.sys's request size limit, e.g. 16384; 0: none)."""
    for name, value in switches.items():
        limit = name in ("seats", "max_request_bytes")
        if not hasattr(company, name) or not (name.startswith("fault_") or limit):
            raise ValueError(f"not a fault switch: {name}")
        setattr(company, name, value)
    company.save(update_fields=list(switches))
    return company


def sessions(company) -> list[dict]:
    return [
        {"operator": s.operator.code, "session_id": s.session_id, "last_used": s.last_used}
        for s in session_store.live(company).select_related("operator").order_by("created_at")
    ]


def session_kill(company, operator: str | None = None) -> int:
    """Ends live sessions now (of one operator, or all), as SYSPRO's idle timeout would."""
    found = SysproSession.objects.filter(company=company)
    if operator:
        found = found.filter(operator__code=operator)
    return session_store.end(found, "killed")


def idle_timeout_set(company, seconds: int) -> None:
    company.idle_timeout_seconds = seconds
    company.save(update_fields=["idle_timeout_seconds"])


def call_log(company) -> list[dict]:
    return [
        {"method": c.method, "business_object": c.business_object, "session_id": c.session_id,
         "operator": c.operator, "outcome": c.outcome, "status_code": c.status_code,
         "xml_in": c.xml_in, "xml_parameters": c.xml_parameters, "answer": c.answer, "at": c.at}
        for c in SysproCall.objects.filter(company=company).order_by("at", "pk")
    ]  # fmt: skip


def call_counts(company) -> dict:
    """{"Logon": n, "Logoff": n, "SORTOI": n, "COMFND": n, …, "errors": n}: a call counts under
    its business object, else its method's last part ("Logon", "GetLogonProfile")."""
    counts = Counter()
    for call in SysproCall.objects.filter(company=company).only("method", "business_object",
                                                                "outcome"):  # fmt: skip
        counts[call.business_object or _method_name(call.method)] += 1
        counts["errors"] += call.outcome != "ok"
    return dict(counts)


METHOD_NAMES = {"logon": "Logon", "logoff": "Logoff", "getlogonprofile": "GetLogonProfile",
                "getversion": "GetVersion"}  # fmt: skip


def _method_name(method: str) -> str:
    return METHOD_NAMES.get(method, method)
