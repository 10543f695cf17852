"""What each company-file resource accepts and how MYOB fills it in.

`prepare(business, body, current)` validates a POST/PUT body and returns the entity's stored fields
(links expanded, totals computed), or raises ApiError with MYOB's `Errors` list. Validation follows
MYOB's pages and support articles (required fields, lengths, link UIDs that must exist); where MYOB
is silent the sandbox is stricter rather than looser (noted in place), so connector bugs surface.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sandbox.myob import errors
from sandbox.myob.errors import ApiError
from sandbox.myob.models import MyobRecord, new_row_version

CENT = Decimal("0.01")
ZERO = Decimal("0")


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def number(value) -> float:
    """MYOB sends JSON numbers; float repr of a 2 to 6 decimal amount reads back exactly."""
    return float(value)


def myob_datetime(value: datetime) -> str:
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Resource:
    path: str  # canonical spelling, e.g. "Sale/Invoice/Item"
    scope: str  # the granular scope a token needs
    prepare: Callable | None = None  # None: read only
    union_of: tuple[str, ...] = ()  # "Sale/Invoice" lists every invoice type

    @property
    def stored_as(self) -> tuple[str, ...]:
        return self.union_of or (self.path,)


class Problems:
    """Collects MYOB error items so one answer lists every problem, as MYOB's does."""

    def __init__(self):
        self.items: list[dict] = []

    def required(self, field: str):
        self.items.append(errors.required(field))

    def not_found(self, field: str, uid):
        self.items.append(errors.not_found(field, uid))

    def invalid(self, field: str, message: str, name: str = "ValidationError"):
        self.items.append(errors.validation(name, message, field))

    def length(self, body: dict, field: str, limit: int, label: str | None = None):
        value = body.get(field)
        if isinstance(value, str) and len(value) > limit:
            self.invalid(
                label or field, f"{label or field} cannot be longer than {limit} characters"
            )

    def raise_any(self):
        if self.items:
            raise errors.bad_request(self.items)


def _uid_of(link) -> str | None:
    if isinstance(link, dict) and link.get("UID"):
        return str(link["UID"]).lower()
    return None


def _link(business, resource: str, link, field: str, problems: Problems, *, required=True):
    """Expand `{"UID": …}` into MYOB's link object; note a missing or unknown UID."""
    uid = _uid_of(link)
    if uid is None:
        if required:
            problems.required(f"{field}.UID")
        return None
    record = MyobRecord.objects.filter(business=business, resource=resource, uid=uid).first()
    if record is None:
        problems.not_found(field, uid)
        return None
    return link_to(record)


def link_to(record: MyobRecord) -> dict:
    data = record.data
    link = {"UID": str(record.uid)}
    for key in ("Code", "Number", "DisplayID"):
        if key in data:
            link[key] = data[key]
    name = data.get("Name") or data.get("CompanyName") or _person(data)
    if name and "Code" not in data:
        link["Name"] = name
    link["URI"] = f"/{record.resource}/{record.uid}"  # made absolute when rendered
    return link


def _person(data: dict) -> str:
    return f"{data.get('FirstName') or ''} {data.get('LastName') or ''}".strip()


def _decimal(body: dict, field: str, problems: Problems, label: str, default=None):
    value = body.get(field, default)
    if value is None:
        return None
    if isinstance(value, bool):
        problems.invalid(label, f"{label} must be a number", "SerializationError")
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        problems.invalid(label, f"{label} must be a number", "SerializationError")
        return None


def _date(body: dict, field: str, problems: Problems, *, required: bool):
    value = body.get(field)
    if not value:
        if required:
            problems.required(field)
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace(" ", "T").rstrip("Z"))
    except ValueError:
        problems.invalid(field, f"{field} is not a date", "SerializationError")
        return None
    return parsed.replace(tzinfo=None).isoformat(timespec="seconds")


# --- contacts -------------------------------------------------------------------------------
ADDRESS_FIELDS = {
    "Location": None, "Street": 255, "City": 255, "State": 255, "PostCode": 11, "Country": 255,
    "Phone1": 21, "Phone2": 21, "Phone3": 21, "Fax": 21, "Email": 255, "Website": 255,
    "ContactName": 25, "Salutation": 15,
}  # fmt: skip


def prepare_customer(business, body: dict, current: MyobRecord | None) -> dict:
    problems = Problems()
    individual = bool(body.get("IsIndividual", False))
    if individual:
        if not body.get("LastName"):
            problems.required("LastName")
    elif not body.get("CompanyName"):
        problems.required("CompanyName")  # "ONLY required when IsIndividual is false"
    problems.length(body, "CompanyName", 50)
    problems.length(body, "LastName", 30)
    problems.length(body, "FirstName", 20)
    problems.length(body, "DisplayID", 15)
    addresses = []
    raw_addresses = body.get("Addresses") or []
    if not isinstance(raw_addresses, list) or len(raw_addresses) > 5:
        problems.invalid("Addresses", "A contact has at most 5 addresses")
        raw_addresses = []
    for index, raw in enumerate(raw_addresses, start=1):
        raw = raw if isinstance(raw, dict) else {}
        address = {}
        for field, limit in ADDRESS_FIELDS.items():
            value = raw.get(field)
            if limit and isinstance(value, str) and len(value) > limit:
                problems.invalid(
                    f"Addresses[{index}].{field}",
                    f"{field} cannot be longer than {limit} characters",
                )
            address[field] = value if value not in ("",) else None
        address["Location"] = int(raw.get("Location") or index)
        addresses.append(address)
    selling_in = body.get("SellingDetails") or {}
    # Required on insert (CData's table; MYOB's own list is UNCONFIRMED): both tax codes.
    tax = _link(
        business,
        "GeneralLedger/TaxCode",
        selling_in.get("TaxCode"),
        "SellingDetails.TaxCode",
        problems,
    )
    freight = _link(business, "GeneralLedger/TaxCode", selling_in.get("FreightTaxCode"), "SellingDetails.FreightTaxCode", problems)  # fmt: skip
    income = _link(business, "GeneralLedger/Account", selling_in.get("IncomeAccount"), "SellingDetails.IncomeAccount", problems, required=False)  # fmt: skip
    problems.raise_any()
    previous = current.data if current else {}
    return {
        "CompanyName": body.get("CompanyName") if not individual else None,
        "LastName": body.get("LastName") if individual else None,
        "FirstName": body.get("FirstName") if individual else None,
        "IsIndividual": individual,
        "DisplayID": body.get("DisplayID") or previous.get("DisplayID") or "*None",
        "IsActive": body.get("IsActive", True),
        "Addresses": addresses,
        "Notes": body.get("Notes"),
        "SellingDetails": {
            "SaleLayout": selling_in.get("SaleLayout") or "NoDefault",
            "InvoiceDelivery": selling_in.get("InvoiceDelivery") or "Print",
            "ItemPriceLevel": selling_in.get("ItemPriceLevel") or "Base Selling Price",
            "IncomeAccount": income,
            "TaxCode": tax,
            "FreightTaxCode": freight,
            "UseCustomerTaxCode": bool(selling_in.get("UseCustomerTaxCode", False)),
            "ABN": selling_in.get("ABN"),
            "Credit": {"Limit": 0.0, "Available": 0.0, "PastDue": 0.0},
        },
        "CurrentBalance": previous.get("CurrentBalance", 0.0),
        "Type": "Customer",
    }


# --- invoices -------------------------------------------------------------------------------
def _line_amounts(raw: dict, label: str, problems: Problems, quantity_field: str):
    """(quantity, Total, UnitPrice) of a line. When both a unit price and a total come, they must agree
    to the cent (sandbox rule: MYOB's own check is UNCONFIRMED, agreeing amounts pass either way)."""
    quantity = _decimal(raw, quantity_field, problems, f"{label}.{quantity_field}")
    if quantity is None and quantity_field == "ShipQuantity":
        problems.required(f"{label}.ShipQuantity")  # an item line needs its quantity
    total = _decimal(raw, "Total", problems, f"{label}.Total")
    price = _decimal(raw, "UnitPrice", problems, f"{label}.UnitPrice")
    discount = _decimal(raw, "DiscountPercent", problems, f"{label}.DiscountPercent", 0) or ZERO
    if total is None:
        problems.required(f"{label}.Total")
        return None
    if quantity is None:
        return None, money(total), price if price is not None else money(total)
    if price is None:
        price = (total / quantity) if quantity else total
    expected = quantity * price * (1 - discount / 100)
    if abs(expected - total) > CENT:
        problems.invalid(
            f"{label}.Total",
            f"Total {total} does not match ShipQuantity x UnitPrice less DiscountPercent ({money(expected)})",
            "InvalidLineTotal",
        )
    return quantity, money(total), price


def _tax(amount: Decimal, rate: Decimal, inclusive: bool) -> Decimal:
    if inclusive:
        return money(amount * rate / (100 + rate))
    return money(amount * rate / 100)


def _rate(link: dict | None) -> Decimal:
    if not link:
        return ZERO
    record = MyobRecord.objects.get(uid=link["UID"])
    return Decimal(str(record.data.get("Rate") or 0))


def prepare_invoice(kind: str):
    def prepare(business, body: dict, current: MyobRecord | None) -> dict:
        problems = Problems()
        date = _date(body, "Date", problems, required=True)
        customer = _link(business, "Contact/Customer", body.get("Customer"), "Customer", problems)
        problems.length(body, "Number", 13)
        problems.length(body, "CustomerPurchaseOrderNumber", 20)  # AccountRight's field width
        problems.length(body, "JournalMemo", 255)
        problems.length(body, "ShipToAddress", 255)
        problems.length(body, "Comment", 255)
        inclusive = bool(body.get("IsTaxInclusive", True))  # the SDK's default
        category = _link(business, "GeneralLedger/Category", body.get("Category"), "Category", problems, required=business.requires_category)  # fmt: skip
        raw_lines = body.get("Lines")
        if not isinstance(raw_lines, list) or not raw_lines:
            problems.required("Lines")
            raw_lines = []
        lines, subtotal, tax_total = [], ZERO, ZERO
        for row, raw in enumerate(raw_lines, start=1):
            raw = raw if isinstance(raw, dict) else {}
            label = f"Lines[{row}]"
            if current is None and (raw.get("RowID") or raw.get("RowVersion")):
                raise ApiError(
                    409, "Conflict", "RowID and RowVersion cannot be sent when creating", label
                )
            line_type = raw.get("Type") or "Transaction"
            line = {"RowID": row, "Type": line_type, "Description": raw.get("Description") or ""}
            if line_type != "Transaction":  # Header / Subtotal lines carry text only
                lines.append({**line, "RowVersion": new_row_version()})
                continue
            amounts = _line_amounts(
                raw, label, problems, "ShipQuantity" if kind == "Item" else "UnitCount"
            )
            tax = _link(business, "GeneralLedger/TaxCode", raw.get("TaxCode"), f"{label}.TaxCode", problems)  # fmt: skip
            if kind == "Item":
                item = _link(business, "Inventory/Item", raw.get("Item"), f"{label}.Item", problems)
                line["Item"] = item
                if item and not MyobRecord.objects.get(uid=item["UID"]).data.get("IsSold", True):
                    problems.invalid(
                        f"{label}.Item", f"Item {item.get('Number')} is not sold", "ItemNotSold"
                    )
            else:
                line["Account"] = _link(business, "GeneralLedger/Account", raw.get("Account"), f"{label}.Account", problems)  # fmt: skip
            if amounts is None:
                continue
            quantity, total, price = amounts
            if quantity is not None:
                line["ShipQuantity" if kind == "Item" else "UnitCount"] = number(quantity)
            line.update(
                Total=number(total), UnitPrice=number(price), TaxCode=tax,
                DiscountPercent=number(Decimal(str(raw.get("DiscountPercent") or 0))),
                RowVersion=new_row_version(),
            )  # fmt: skip
            subtotal += total
            tax_total += _tax(total, _rate(tax), inclusive)
            lines.append(line)
        freight = _decimal(body, "Freight", problems, "Freight", 0) or ZERO
        freight_tax_code = None
        if freight:
            if kind == "Item" and not business.supports_freight:
                problems.invalid(
                    "Freight",
                    "Freight is not available with this company file's invoice layout; add "
                    "freight as a line instead",
                    "FreightNotSupported",
                )
            freight_tax_code = _link(business, "GeneralLedger/TaxCode", body.get("FreightTaxCode"), "FreightTaxCode", problems)  # fmt: skip
        problems.raise_any()
        freight = money(freight)
        freight_tax = _tax(freight, _rate(freight_tax_code), inclusive) if freight else ZERO
        tax_total += freight_tax
        total_amount = subtotal + freight + (ZERO if inclusive else tax_total)
        previous = current.data if current else {}
        return {
            "Number": body.get("Number") or previous.get("Number") or _next_number(business),
            "Date": date,
            "CustomerPurchaseOrderNumber": body.get("CustomerPurchaseOrderNumber"),
            "Customer": customer,
            "PromisedDate": body.get("PromisedDate"),
            "ShipToAddress": body.get("ShipToAddress"),
            "Terms": body.get("Terms")
            or {"PaymentIsDue": "InAGivenNumberOfDays", "BalanceDueDate": 30},
            "IsTaxInclusive": inclusive,
            "Lines": lines,
            "Subtotal": number(subtotal),
            "Freight": number(freight),
            "FreightTaxCode": freight_tax_code,
            "TotalTax": number(tax_total),
            "TotalAmount": number(total_amount),
            "Category": category,
            "Comment": body.get("Comment"),
            "ShippingMethod": body.get("ShippingMethod"),
            "JournalMemo": body.get("JournalMemo") or f"Sale; {customer and customer.get('Name')}",
            "InvoiceDeliveryStatus": body.get("InvoiceDeliveryStatus") or "Print",
            "Status": "Open",
            "BalanceDueAmount": number(total_amount),
            "InvoiceType": kind,
        }

    return prepare


def _next_number(business) -> str:
    from django.db.models import F

    from sandbox.myob.models import MyobBusiness

    MyobBusiness.objects.filter(pk=business.pk).update(
        next_invoice_number=F("next_invoice_number") + 1
    )
    value = MyobBusiness.objects.values_list("next_invoice_number", flat=True).get(pk=business.pk)
    return f"{value - 1:08d}"  # MYOB's default numbering: zero-padded to 8 digits


# --- inventory and ledger -------------------------------------------------------------------
ITEM = "Inventory/Item"


def stock_figures(
    inventoried: bool, on_hand=ZERO, average_cost=None, *, committed=ZERO, on_order=ZERO
) -> dict:
    """The quantities and values MYOB computes from an item's transactions (read only through
    the API). AverageCost is null while the quantity on hand is below zero (the SDK: "average
    cost when the quantity on hand is equal to or greater than zero"); a non-inventoried item
    has no stock and no average cost (UNCONFIRMED: the sandbox's choice). Available is on hand
    less committed plus on order (MYOB's item list; UNCONFIRMED in the research)."""
    if not inventoried:
        on_hand = committed = on_order = ZERO
        average_cost = None
    on_hand, committed, on_order = (Decimal(str(v)) for v in (on_hand, committed, on_order))
    cost = Decimal(str(average_cost)) if average_cost is not None and on_hand >= 0 else None
    return {
        "QuantityOnHand": number(on_hand), "QuantityCommitted": number(committed),
        "QuantityOnOrder": number(on_order),
        "QuantityAvailable": number(on_hand - committed + on_order),
        "AverageCost": number(cost) if cost is not None else None,
        "CurrentValue": number(money(on_hand * cost)) if cost is not None else 0.0,
    }  # fmt: skip


def item_fields(
    *, item_number: str, name: str, price, income: dict | None, stock: dict, sold=True,
    inventoried=True, bought=True, active=True, description=None, tax_code: dict | None = None,
    tax_inclusive=True,
) -> dict:  # fmt: skip
    """An item's stored fields in the order MYOB shows them. The selling price is MYOB's Base
    Selling Price, shown twice (the item's own field and its selling details), and is tax
    inclusive when the selling details say so (the sandbox's default, as AU files are set up;
    UNCONFIRMED)."""
    price = number(money(price))
    return {
        "Number": item_number, "Name": name, "IsActive": bool(active), "Description": description,
        "UseDescription": False, "IsBought": bool(bought), "IsSold": bool(sold),
        "IsInventoried": bool(inventoried), **stock, "BaseSellingPrice": price,
        "IncomeAccount": income,
        "SellingDetails": {
            "BaseSellingPrice": price, "SellingUnitOfMeasure": None, "ItemsPerSellingUnit": 1,
            "TaxCode": tax_code, "IsTaxInclusive": bool(tax_inclusive),
            "CalculateSalesTaxOn": "ActualSellingPrice",
        },
    }  # fmt: skip


def _stock_kept(current: MyobRecord | None, inventoried: bool) -> dict:
    """The stock figures are not the caller's to set: a PUT keeps them, a new item has none."""
    if current is None or not current.data.get("IsInventoried"):
        return stock_figures(inventoried)
    data = current.data
    return stock_figures(
        inventoried, data["QuantityOnHand"], data.get("AverageCost"),
        committed=data.get("QuantityCommitted", 0), on_order=data.get("QuantityOnOrder", 0),
    )  # fmt: skip


def prepare_item(business, body: dict, current: MyobRecord | None) -> dict:
    problems = Problems()
    for field in ("Number", "Name"):
        if not body.get(field):
            problems.required(field)
    problems.length(body, "Number", 30)
    problems.length(body, "Name", 30)
    taken = MyobRecord.objects.filter(
        business=business, resource=ITEM, data__Number=body.get("Number")
    )
    if current is not None:
        taken = taken.exclude(pk=current.pk)
    if body.get("Number") and taken.exists():
        problems.invalid(
            "Number", f"Item number {body['Number']} is already used", "DuplicateItemNumber"
        )
    sold = bool(body.get("IsSold", True))
    income = _link(business, "GeneralLedger/Account", body.get("IncomeAccount"), "IncomeAccount", problems, required=sold)  # fmt: skip
    selling = body.get("SellingDetails") if isinstance(body.get("SellingDetails"), dict) else {}
    tax_code = _link(business, "GeneralLedger/TaxCode", selling.get("TaxCode"), "SellingDetails.TaxCode", problems, required=False)  # fmt: skip
    # The selling details' price first (the writable one), else the item's own field.
    price = _decimal(selling, "BaseSellingPrice", problems, "SellingDetails.BaseSellingPrice")
    if price is None:
        price = _decimal(body, "BaseSellingPrice", problems, "BaseSellingPrice", 0)
    problems.raise_any()
    inventoried = bool(body.get("IsInventoried", True))
    return item_fields(
        item_number=body["Number"], name=body["Name"], price=price or ZERO, income=income,
        stock=_stock_kept(current, inventoried), sold=sold, inventoried=inventoried,
        bought=body.get("IsBought", True), active=body.get("IsActive", True),
        description=body.get("Description"), tax_code=tax_code,
        tax_inclusive=selling.get("IsTaxInclusive", True),
    )  # fmt: skip


def prepare_tax_code(business, body: dict, current: MyobRecord | None) -> dict:
    problems = Problems()
    if not body.get("Code"):
        problems.required("Code")
    problems.length(body, "Code", 3)
    rate = _decimal(body, "Rate", problems, "Rate", 0)
    problems.raise_any()
    return {
        "Code": body["Code"].upper(), "Description": body.get("Description") or body["Code"],
        "Type": body.get("Type") or "GST", "Rate": number(rate), "IsRateNegative": False,
    }  # fmt: skip


def prepare_account(business, body: dict, current: MyobRecord | None) -> dict:
    problems = Problems()
    for field in ("DisplayID", "Name"):
        if not body.get(field):
            problems.required(field)
    problems.raise_any()
    classification = body.get("Classification") or "Income"
    return {
        "DisplayID": body["DisplayID"], "Name": body["Name"], "Classification": classification,
        "Type": body.get("Type") or classification, "IsHeader": bool(body.get("IsHeader", False)),
        "IsActive": body.get("IsActive", True), "Level": 4,
    }  # fmt: skip


def prepare_category(business, body: dict, current: MyobRecord | None) -> dict:
    problems = Problems()
    for field in ("DisplayID", "Name"):
        if not body.get(field):
            problems.required(field)
    problems.raise_any()
    return {"DisplayID": body["DisplayID"], "Name": body["Name"], "IsInactive": False}


RESOURCES = {
    r.path.lower(): r
    for r in (
        Resource("Contact/Customer", "sme-contacts-customer", prepare_customer),
        Resource(
            "Sale/Invoice", "sme-sales", union_of=("Sale/Invoice/Item", "Sale/Invoice/Service")
        ),
        Resource("Sale/Invoice/Item", "sme-sales", prepare_invoice("Item")),
        Resource("Sale/Invoice/Service", "sme-sales", prepare_invoice("Service")),
        Resource(ITEM, "sme-inventory", prepare_item),
        Resource("GeneralLedger/TaxCode", "sme-general-ledger", prepare_tax_code),
        Resource("GeneralLedger/Account", "sme-general-ledger", prepare_account),
        Resource("GeneralLedger/Category", "sme-general-ledger", prepare_category),
    )
}
