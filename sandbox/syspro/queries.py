"""The keyed query objects: ARSQRY (customer: root ARStatement/Header, the xsd-generated shape;
the research's other shape //ArCustomer/Customer is a CONFLICT, UNCONFIRMED), INVQRY (stock
item with prices and warehouses: //InvQuery/StockItem, integrator documentation) and SORQRY
(sales order: root SorDetail, recorded). An unknown key is an ERROR: answer (wording
UNCONFIRMED)."""

from decimal import Decimal

from sandbox.syspro import tables, xmlio
from sandbox.syspro.errors import SysproError
from sandbox.syspro.models import SysproCustomer, SysproSalesOrder, SysproStock


def arsqry(company, request) -> bytes:
    code = xmlio.text(request, "Key", "Customer").upper()
    customer = SysproCustomer.objects.filter(company=company, code=code).first()
    if customer is None:
        raise SysproError(f"Customer '{code}' not found")
    answer = xmlio.root("ARStatement")
    header = xmlio.add(answer, "Header")
    for column, value in tables.customer_row(customer.code, customer.data).items():
        xmlio.add(header, column, value)
    return xmlio.document(answer)


def invqry(company, request) -> bytes:
    code = xmlio.text(request, "Key", "StockCode")
    stock = SysproStock.objects.filter(company=company, stock_code__iexact=code).first()
    if stock is None:
        raise SysproError(f"Stock code '{code}' not found")
    wanted = _warehouse_filter(request)
    price_code = next(iter(sorted(stock.prices)), "")
    answer = xmlio.root("InvQuery")
    item = xmlio.add(answer, "StockItem")
    xmlio.add(item, "StockCode", stock.stock_code)
    xmlio.add(item, "Description", stock.description)
    xmlio.add(item, "StockUom", stock.stock_uom)
    xmlio.add(item, "SellingPrice", tables.money(stock.prices.get(price_code, 0)))
    xmlio.add(item, "PriceBasis", "S")  # per stocking unit (UNCONFIRMED)
    xmlio.add(item, "PriceCode", price_code)
    include = xmlio.text(request, "Option", "IncludeWarehouses", default="Y").upper() != "N"
    for warehouse, qty in sorted(stock.warehouses.items()) if include else []:
        if wanted and warehouse.upper() not in wanted:
            continue
        on_hand = Decimal(str(qty.get("QtyOnHand", 0)))
        allocated = Decimal(str(qty.get("QtyAllocated", 0)))
        line = xmlio.add(item, "WarehouseItem")
        xmlio.add(line, "Warehouse", warehouse)
        xmlio.add(line, "QtyOnHand", tables.quantity(on_hand))
        xmlio.add(line, "QtyAllocated", tables.quantity(allocated))
        xmlio.add(line, "AvailableQty", tables.quantity(on_hand - allocated))
    return xmlio.document(answer)


def _warehouse_filter(request) -> set[str]:
    element = xmlio.child(request, "Filter", "Warehouse")
    if element is None:
        return set()
    attributes = {k.lower(): v for k, v in element.attrib.items()}
    if attributes.get("filtertype", "A").upper() != "L":
        return set()
    return {w.strip().upper() for w in attributes.get("filtervalue", "").split(",") if w.strip()}


def sorqry(company, request) -> bytes:
    number = xmlio.text(request, "Key", "SalesOrder")
    order = SysproSalesOrder.objects.filter(company=company, sales_order=number).first()
    if order is None:
        raise SysproError(f"Sales order '{number}' not found")
    header = order.data.get("header", {})
    answer = xmlio.root("SorDetail")
    for name, value in [
        ("SalesOrder", order.sales_order), ("DocumentType", order.document_type),
        ("Customer", order.customer), ("CustomerName", order.data.get("CustomerName", "")),
        ("OrderStatus", order.order_status), ("CustomerPoNumber", order.customer_po_number),
        ("OrderDate", order.order_date.isoformat()), ("LastInvoice", order.last_invoice),
        ("ShipAddress1", header.get("shipaddress1", "")),
        ("ShipPostalCode", header.get("shippostalcode", "")),
        ("Email", order.data.get("Email", "")),
    ]:  # fmt: skip
        xmlio.add(answer, name, value)
    for line in order.data.get("lines", []):
        element = xmlio.add(answer, "StockLine")
        for name in ("StockCode", "Warehouse", "OrderQty", "Price", "LineDiscValue"):
            xmlio.add(element, name, line.get(name, ""))
    xmlio.add(answer, "OrderValue", order.data.get("total", "0"))
    return xmlio.document(answer)
