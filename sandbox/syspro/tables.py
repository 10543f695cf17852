"""The SYSPRO tables COMFND reads, as rows of {column: text} built from the sandbox's records:
ArCustomer, SorMaster, InvMaster, InvWarehouse, InvPrice (the columns listed in each)."""

from decimal import Decimal

from sandbox.syspro.models import SysproCompany

CUSTOMER_COLUMNS = [
    "Customer", "Name", "Email", "Telephone", "Contact",
    "SoldToAddr1", "SoldToAddr2", "SoldToAddr3", "SoldToAddr4", "SoldToAddr5", "SoldPostalCode",
    "ShipToAddr1", "ShipToAddr2", "ShipToAddr3", "ShipToAddr4", "ShipToAddr5", "ShipPostalCode",
    "Currency", "CustomerOnHold", "PriceCode", "TermsCode", "Branch", "Salesperson",
    "CustomerClass", "TaxStatus", "CreditLimit",
]  # fmt: skip
COLUMNS = {
    "ArCustomer": CUSTOMER_COLUMNS,
    "SorMaster": ["SalesOrder", "Customer", "CustomerPoNumber", "OrderStatus", "DocumentType",
                  "LastInvoice", "OrderDate", "CustomerName", "Email"],
    "InvMaster": ["StockCode", "Description", "StockUom"],
    "InvWarehouse": ["StockCode", "Warehouse", "QtyOnHand", "QtyAllocated"],
    "InvPrice": ["StockCode", "PriceCode", "SellingPrice"],
}  # fmt: skip
# Columns SQL Server compares and orders as numbers; every other column is text.
NUMERIC = {"QtyOnHand", "QtyAllocated", "SellingPrice", "CreditLimit"}


def quantity(value) -> str:
    return f"{Decimal(str(value or 0)):.6f}"  # SYSPRO's quantities carry 6 decimals


def money(value) -> str:
    return f"{Decimal(str(value or 0)):.5f}"  # SellingPrice: 5 decimals (UNCONFIRMED)


def table_name(name: str) -> str | None:
    return next((t for t in COLUMNS if t.lower() == (name or "").strip().lower()), None)


def rows(company: SysproCompany, table: str) -> list[dict]:
    return _READERS[table](company)


def customer_row(code: str, data: dict) -> dict:
    return {"Customer": code, **{c: str(data.get(c, "")) for c in CUSTOMER_COLUMNS[1:]}}


def _customers(company):
    return [customer_row(c.code, c.data) for c in company.customers.order_by("code")]


def _orders(company):
    return [
        {"SalesOrder": o.sales_order, "Customer": o.customer,
         "CustomerPoNumber": o.customer_po_number, "OrderStatus": o.order_status,
         "DocumentType": o.document_type, "LastInvoice": o.last_invoice,
         "OrderDate": o.order_date.isoformat(), "CustomerName": o.data.get("CustomerName", ""),
         "Email": o.data.get("Email", "")}
        for o in company.orders.order_by("sales_order")
    ]  # fmt: skip


def _stock(company):
    return [
        {"StockCode": s.stock_code, "Description": s.description, "StockUom": s.stock_uom}
        for s in company.stock.order_by("stock_code")
    ]


def _warehouses(company):
    return [
        {"StockCode": s.stock_code, "Warehouse": warehouse,
         "QtyOnHand": quantity(qty.get("QtyOnHand")),
         "QtyAllocated": quantity(qty.get("QtyAllocated"))}
        for s in company.stock.order_by("stock_code")
        for warehouse, qty in sorted(s.warehouses.items())
    ]  # fmt: skip


def _prices(company):
    return [
        {"StockCode": s.stock_code, "PriceCode": code, "SellingPrice": money(price)}
        for s in company.stock.order_by("stock_code")
        for code, price in sorted(s.prices.items())
    ]


_READERS = {"ArCustomer": _customers, "SorMaster": _orders, "InvMaster": _stock,
            "InvWarehouse": _warehouses, "InvPrice": _prices}  # fmt: skip
