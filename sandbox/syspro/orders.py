"""SORTOI, sales order import (Transaction/Post): XmlParameters <SalesOrders><Parameters>…,
XmlIn <SalesOrders><Orders><OrderHeader/><OrderDetails><StockLine/>…<FreightLine/>
<MiscChargeLine/></OrderDetails></Orders></SalesOrders> → <SalesOrders><Order><SalesOrder/>
<CustomerPoNumber/><OrderStatus/></Order><ValidationStatus><Status/></ValidationStatus>
<StatusOfItems/></SalesOrders> (shape from a production SYSPRO 8 integration's parser).
Errors come inside as <ErrorDescription> under the offending header or line (UNCONFIRMED
placement and wording, except "Stock code 'X' not found", recorded on INVSWS); an invalid order
is not imported. Field lengths: the research sheet's (a third party's, not SYSPRO's XSD).
OrderStatus 8 makes a billing order ready to invoice (UNCONFIRMED mechanism). Totals before
tax: lines (qty x price less LineDiscValue) + freight + misc; tax per line by its tax code
(tax.py)."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from sandbox.syspro import numbers, tax, xmlio
from sandbox.syspro.models import SysproCustomer, SysproSalesOrder, SysproStock

HEADER_LENGTHS = {"CustomerPoNumber": 30, "Customer": 15, "Email": 80, "CustomerName": 50,
                  "ShipAddress1": 40, "ShipAddress2": 40, "ShipAddress3": 40,
                  "ShipAddress4": 40, "ShipAddress5": 40, "ShipPostalCode": 15,
                  "ShippingInstrs": 30, "ShippingInstrsCod": 10, "Warehouse": 10,
                  "SpecialInstrs": 30}  # fmt: skip
LINE_LENGTHS = {"StockCode": 30, "Warehouse": 10, "OrderUom": 10, "PriceUom": 10,
                "StockTaxCode": 3, "CustomerPoLine": 10}  # fmt: skip
MISC_LENGTHS = {"MiscDescription": 30, "MiscProductClass": 20, "MiscTaxCode": 3}
STATUSES = {"1", "8"}  # open; ready to invoice (billing)


@dataclass
class Outcome:
    order: SysproSalesOrder | None = None
    errors: list = field(default_factory=list)  # (element to put it under, text)


def post(company, parameters, document) -> tuple[bytes, bool]:
    """(the answer, whether every order was imported)."""
    given = xmlio.fields(xmlio.child(parameters, "Parameters"))
    params = {name: value.upper() for name, value in given.items()}
    answer = xmlio.root("SalesOrders", attributes=False)
    imported = invalid = 0
    for orders in xmlio.children(document, "Orders"):
        out = xmlio.add(answer, "Order")
        with transaction.atomic():
            outcome = _import(numbers.locked(company), params, orders, out)
        imported += outcome.order is not None
        invalid += outcome.order is None
    validation = xmlio.add(answer, "ValidationStatus")
    xmlio.add(validation, "Status", "Failed" if invalid or not imported else "Successful")
    status = xmlio.add(answer, "StatusOfItems")
    xmlio.add(status, "ItemsProcessed", f"{imported + invalid:06d}")
    xmlio.add(status, "ItemsRejectedWithWarnings", "000000")
    xmlio.add(status, "ItemsInvalid", f"{invalid:06d}")
    return xmlio.document(answer), imported > 0 and not invalid


def _import(company, params, orders, out) -> Outcome:
    header = xmlio.child(orders, "OrderHeader")
    details = xmlio.child(orders, "OrderDetails")
    head = xmlio.fields(header) if header is not None else {}
    names = {k.lower(): k for k in HEADER_LENGTHS}
    outcome = Outcome()
    po = head.get("customerponumber", "")
    xmlio.add(out, "CustomerPoNumber", po)
    for name, value in head.items():
        if name in names and len(value) > HEADER_LENGTHS[names[name]]:
            outcome.errors.append(f"{names[name]} '{value}' is longer than "
                                  f"{HEADER_LENGTHS[names[name]]} characters")  # fmt: skip
    status = params.get("orderstatus", "1") or "1"
    if status not in STATUSES:
        outcome.errors.append(f"Order status '{status}' is not valid for import")
    code = head.get("customer", "").upper()
    customer = SysproCustomer.objects.filter(company=company, code=code).first()
    if customer is None:
        outcome.errors.append(f"Customer '{code}' not found")
    elif customer.data.get("CustomerOnHold", "N") == "Y":
        outcome.errors.append(f"Customer '{code}' is on hold")
    if po and params.get("checkforcustomerponumbers") == "Y" and _po_used(company, code, po):
        outcome.errors.append(f"Customer purchase order number '{po}' already exists")
    order_date = date_of(head.get("orderdate", ""))
    if head.get("orderdate") and order_date is None:
        outcome.errors.append(f"Order date '{head['orderdate']}' is not a valid date")
    warehouse_default = (params.get("warehouselisttouse", "").split(",")[0].strip()
                         or head.get("warehouse", "").upper() or (company.warehouses or [""])[0])  # fmt: skip
    lines, freight, misc = _details(company, details, warehouse_default, outcome)
    order_tax = _tax(company, lines, freight, misc, outcome.errors)
    if not lines and not misc:
        outcome.errors.append("The order has no lines")
    for text in outcome.errors:
        xmlio.add(out, "ErrorDescription", text)
    if outcome.errors:
        return outcome
    if params.get("validateonly") == "Y" or params.get("process") == "VALIDATE":
        return Outcome(order=SysproSalesOrder(sales_order=""))
    total = sum((line["Value"] for line in lines), Decimal(0)) + sum(
        (f["FreightValue"] for f in freight), Decimal(0)) + sum(
        (m["MiscChargeValue"] * m["MiscQuantity"] for m in misc), Decimal(0))  # fmt: skip
    number = numbers.next_number(company, "sales_order")
    data = {"header": head, "CustomerName": head.get("customername", ""),
            "Email": head.get("email", ""),
            "lines": [{k: str(v) for k, v in line.items()} for line in lines],
            "freight": [{k: str(v) for k, v in f.items()} for f in freight],
            "misc": [{k: str(v) for k, v in m.items()} for m in misc],
            "total": str(total), "tax": str(order_tax)}  # fmt: skip
    order = SysproSalesOrder.objects.create(
        company=company, sales_order=number, customer=code, customer_po_number=po,
        order_status=status, order_date=order_date or timezone.localdate(), data=data,
        created_at=timezone.now(),
    )  # fmt: skip
    _allocate(company, lines, +1)
    out.insert(0, _element("SalesOrder", number))
    xmlio.add(out, "OrderStatus", status)
    return Outcome(order=order)


def _po_used(company, customer: str, po: str) -> bool:
    orders = SysproSalesOrder.objects.filter(company=company, customer=customer)
    return orders.filter(customer_po_number__iexact=po).exists()


def date_of(value: str):
    """A YYYY-MM-DD date, or None (blank or not a date)."""
    try:
        return parse_date(value.strip()) if value and value.strip() else None
    except ValueError:
        return None


def _element(name, value):
    element = Element(name)
    element.text = value
    return element


def _number(value: str, what: str, outcome: Outcome, default="0") -> Decimal:
    try:
        number = Decimal(value or default)
    except InvalidOperation:
        outcome.errors.append(f"{what} '{value}' is not numeric")
        return Decimal(0)
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        outcome.errors.append(f"{what} '{value}' is out of range")
        return Decimal(0)
    return number


def _tax(company, lines, freight, misc, errors: list) -> Decimal:
    """The order's tax (tax.py), each line's kept on it as "Tax"."""
    for line in lines:
        line["Tax"] = tax.line_tax(company, line["StockTaxCode"], line["Value"], errors)
    for line in freight:
        line["Tax"] = tax.line_tax(company, line["FreightTaxCode"], line["FreightValue"], errors)
    for line in misc:
        value = line["MiscChargeValue"] * line["MiscQuantity"]
        line["Tax"] = tax.line_tax(company, line["MiscTaxCode"], value, errors)
    return sum((line["Tax"] for line in [*lines, *freight, *misc]), Decimal(0))


def _details(company, details, warehouse_default, outcome):
    lines, freight, misc = [], [], []
    for element in xmlio.children(details, "StockLine"):
        line = xmlio.fields(element)
        code = line.get("stockcode", "")
        for name, limit in LINE_LENGTHS.items():
            if len(line.get(name.lower(), "")) > limit:
                outcome.errors.append(
                    f"{name} '{line[name.lower()]}' is longer than {limit} characters"
                )
        warehouse = (line.get("warehouse") or warehouse_default).upper()
        stock = SysproStock.objects.filter(company=company, stock_code__iexact=code).first()
        if stock is None:
            outcome.errors.append(f"Stock code '{code}' not found")  # recorded wording (INVSWS)
        elif warehouse not in stock.warehouses:
            outcome.errors.append(f"Stock code '{code}' is not stocked in warehouse '{warehouse}'")
        qty = _number(line.get("orderqty", ""), "Order quantity", outcome, default="")
        if qty <= 0 and not any("Order quantity" in e for e in outcome.errors):
            outcome.errors.append(f"Order quantity '{line.get('orderqty', '')}' must be positive")
        price = _number(line.get("price", ""), "Price", outcome)
        discount = _number(line.get("linediscvalue", ""), "Line discount value", outcome)
        lines.append({"StockCode": stock.stock_code if stock else code, "Warehouse": warehouse,
                      "CustomerPoLine": line.get("customerpoline", ""), "OrderQty": qty,
                      "OrderUom": line.get("orderuom", ""), "Price": price,
                      "LineDiscValue": discount, "StockTaxCode": line.get("stocktaxcode", ""),
                      "Value": (qty * price - discount).quantize(Decimal("0.01"))})  # fmt: skip
    for element in xmlio.children(details, "FreightLine"):
        line = xmlio.fields(element)
        freight.append({"FreightValue": _number(line.get("freightvalue", ""), "Freight value", outcome),
                        "FreightCost": _number(line.get("freightcost", ""), "Freight cost", outcome),
                        "FreightTaxCode": line.get("freighttaxcode", "")})  # fmt: skip
    for element in xmlio.children(details, "MiscChargeLine"):
        line = xmlio.fields(element)
        for name, limit in MISC_LENGTHS.items():
            if len(line.get(name.lower(), "")) > limit:
                outcome.errors.append(
                    f"{name} '{line[name.lower()]}' is longer than {limit} characters"
                )
        misc.append({"MiscChargeValue": _number(line.get("miscchargevalue", ""), "Misc charge value", outcome),
                     "MiscQuantity": _number(line.get("miscquantity", ""), "Misc quantity", outcome, default="1"),
                     "MiscProductClass": line.get("miscproductclass", ""),
                     "MiscTaxCode": line.get("misctaxcode", ""),
                     "MiscDescription": line.get("miscdescription", "")})  # fmt: skip
    return lines, freight, misc


def _allocate(company, lines, sign: int) -> None:
    """Order entry allocates stock (QtyAllocated); invoicing ships it (QtyOnHand, QtyAllocated)."""
    for line in lines:
        stock = SysproStock.objects.select_for_update().get(company=company,
                                                            stock_code=line["StockCode"])  # fmt: skip
        quantities = stock.warehouses.get(line["Warehouse"], {})
        allocated = Decimal(str(quantities.get("QtyAllocated", 0))) + sign * Decimal(
            str(line["OrderQty"])
        )
        stock.warehouses = {**stock.warehouses, line["Warehouse"]: {**quantities,
                                                                   "QtyAllocated": str(allocated)}}  # fmt: skip
        stock.save(update_fields=["warehouses"])


def ship(company, lines) -> None:
    """Invoicing ships what the order allocated: QtyOnHand and QtyAllocated both go down."""
    for line in lines:
        stock = SysproStock.objects.select_for_update().filter(
            company=company, stock_code=line["StockCode"]).first()  # fmt: skip
        if stock is None:
            continue
        quantities = stock.warehouses.get(line["Warehouse"], {})
        qty = Decimal(str(line["OrderQty"]))
        stock.warehouses = {**stock.warehouses, line["Warehouse"]: {
            **quantities,
            "QtyOnHand": str(Decimal(str(quantities.get("QtyOnHand", 0))) - qty),
            "QtyAllocated": str(Decimal(str(quantities.get("QtyAllocated", 0))) - qty),
        }}  # fmt: skip
        stock.save(update_fields=["warehouses"])
