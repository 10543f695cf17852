"""Sales documents as BC's API pages build them: a document's customer (customerId or
customerNumber, its name, addresses and tax area copied in), its lines (an Item line takes an
item number or itemId, its description, unit of measure and price; an Account line a G/L
account number; Comment lines carry text only), the amounts BC computes (line discounts, the
invoice discount spread over the lines, sales tax from the customer's tax area) and the bound
actions: salesInvoices/Microsoft.NAV.post, salesOrders/Microsoft.NAV.shipAndInvoice and
salesCreditMemos/Microsoft.NAV.post.

Tax: a line is taxed by its tax group (taxCode: the item's taxGroupCode, the G/L account's
tax group, or set on the line) unless that is blank or NONTAXABLE; a tax-liable customer's tax
area carries a rate (the sandbox keeps it as "_taxPercent" on
the tax area); the tax is computed on the document's net total and spread over the taxed lines
by amount, the rounding remainder on the last (BC's Sales Tax Calculate rounds per
jurisdiction on the total: UNCONFIRMED in detail). Prices exclude tax (pricesIncludeTax is
read-only false)."""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from sandbox.business_central import clock, records
from sandbox.business_central.errors import dialog, record_not_found
from sandbox.business_central.models import BcCompany, BcRecord
from sandbox.business_central.schema import ENTITY_SETS, NO_DATE, NO_ID

CENT = Decimal("0.01")
POSTED = {"salesInvoices": "postedSalesInvoices", "salesCreditMemos": "postedSalesCreditMemos"}


def money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def number(value) -> float:
    """A Decimal as the JSON number BC answers (349 → 349, 34.9 → 34.9)."""
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def today() -> str:
    return clock.now().date().isoformat()


# --- the customer -------------------------------------------------------------------------------
def customer_of(company: BcCompany, data: dict) -> BcRecord:
    customer_id, customer_number = data.get("customerId") or NO_ID, data.get("customerNumber")
    if customer_id != NO_ID:
        found = records.find(company, "customers", record_id=customer_id)
        if found is None:
            raise record_not_found("Customer", "SystemId", customer_id)
        return found
    if customer_number:
        found = records.find(company, "customers", number=customer_number)
        if found is None:
            raise record_not_found("Customer", "No.", customer_number)
        return found
    raise dialog('A "customerNumber" or a "customerId" must be provided.')


def with_customer(data: dict, customer: BcRecord) -> dict:
    """The header's customer fields filled from the customer card, as BC validates them."""
    card = customer.data
    filled = {"customerId": str(customer.record_id), "customerNumber": customer.number,
              "customerName": card.get("displayName", ""), "billToName": card.get("displayName", ""),
              "billToCustomerId": str(customer.record_id), "billToCustomerNumber": customer.number}  # fmt: skip
    for who in ("sellTo", "billTo"):
        filled |= {f"{who}AddressLine1": card.get("addressLine1", ""),
                   f"{who}AddressLine2": card.get("addressLine2", ""),
                   f"{who}City": card.get("city", ""), f"{who}Country": card.get("country", ""),
                   f"{who}State": card.get("state", ""),
                   f"{who}PostCode": card.get("postalCode", "")}  # fmt: skip
    if data.get("customerId") != filled["customerId"]:  # a new customer: its card's defaults
        if not data.get("email"):
            filled["email"] = card.get("email", "")
        if not data.get("phoneNumber"):
            filled["phoneNumber"] = card.get("phoneNumber", "")
        if not data.get("currencyCode"):
            filled["currencyCode"] = card.get("currencyCode", "")
    return {**data, **filled}


def tax_rate(company: BcCompany, customer: BcRecord | None) -> Decimal:
    if customer is None or not customer.data.get("taxLiable"):
        return Decimal(0)
    area_id = customer.data.get("taxAreaId") or NO_ID
    area = records.find(company, "taxAreas", record_id=area_id) if area_id != NO_ID else None
    return Decimal(str(area.data.get("_taxPercent", 0))) if area else Decimal(0)


def applies_to_invoice(company: BcCompany, data: dict) -> dict:
    """A credit memo's invoiceId or invoiceNumber: a posted invoice it applies to (both filled
    in), or none."""
    invoice_id, invoice_number = data.get("invoiceId") or NO_ID, data.get("invoiceNumber") or ""
    if invoice_id == NO_ID and not invoice_number:
        return {**data, "invoiceId": NO_ID, "invoiceNumber": ""}
    if invoice_id != NO_ID:
        invoice = records.find(company, "salesInvoices", record_id=invoice_id)
        which = "invoiceId"
    else:
        invoice = records.find(company, "salesInvoices", number=invoice_number)
        which = "invoiceNumber"
    if invoice is None or invoice.data.get("status") == "Draft":
        raise dialog(f'The "{which}" does not match to an Invoice.')
    applied = {"invoiceId": str(invoice.record_id), "invoiceNumber": invoice.number}
    if not data.get("customerNumber") and (data.get("customerId") or NO_ID) == NO_ID:
        applied["customerId"] = invoice.data.get("customerId", NO_ID)
    return {**data, **applied}


# --- lines ----------------------------------------------------------------------------------------
def prepare_line(company: BcCompany, lines_set: str, line: dict, document_id: str) -> dict:
    """A line as BC stores it: defaults, its item or account looked up and copied in."""
    spec = ENTITY_SETS[lines_set]
    full = {**spec.fields, **line, "documentId": document_id}
    full["id"] = full.get("id") if full.get("id") not in (None, NO_ID) else str(uuid.uuid4())
    kind = full.get("lineType") or "Item"
    item_id = full.get("itemId") or NO_ID
    if kind == "Item" or (item_id != NO_ID and not line.get("lineType")):
        full["lineType"] = "Item"
        item = _item(company, full)
        full["itemId"], full["lineObjectNumber"] = str(item.record_id), item.number
        if not line.get("description"):
            full["description"] = item.data.get("displayName", "")
        if not line.get("unitOfMeasureCode"):
            full["unitOfMeasureCode"] = item.data.get("baseUnitOfMeasureCode", "")
        if "unitPrice" not in line:
            full["unitPrice"] = item.data.get("unitPrice", 0)
        full["taxCode"] = full.get("taxCode") or item.data.get("taxGroupCode", "")
    elif kind == "Account":
        account = _account(company, full)
        full["accountId"], full["lineObjectNumber"] = str(account.record_id), account.number
        if not line.get("description"):
            full["description"] = account.data.get("displayName", "")
        full["taxCode"] = full.get("taxCode") or account.data.get("_taxGroupCode", "")
    elif kind == "Comment":
        for name in ("quantity", "unitPrice", "discountAmount", "discountPercent"):
            full[name] = 0
    if full.get("shipmentDate", NO_DATE) == NO_DATE:
        full["shipmentDate"] = today()
    return full


def _item(company, line) -> BcRecord:
    item_id = line.get("itemId") or NO_ID
    if item_id != NO_ID:
        found = records.find(company, "items", record_id=item_id)
        if found is None:
            raise record_not_found("Item", "SystemId", item_id)
        return found
    found = records.find(company, "items", number=line.get("lineObjectNumber") or "")
    if found is None:
        raise record_not_found("Item", "No.", line.get("lineObjectNumber") or "")
    if found.data.get("blocked"):
        raise dialog(f"Blocked must be equal to 'No'  in Item: No.={found.number}. Current "
                     "value is 'Yes'.")  # fmt: skip
    return found


def _account(company, line) -> BcRecord:
    account_id = line.get("accountId") or NO_ID
    if account_id != NO_ID:
        found = records.find(company, "accounts", record_id=account_id)
        if found is None:
            raise record_not_found("G/L Account", "SystemId", account_id)
        return found
    found = records.find(company, "accounts", number=line.get("lineObjectNumber") or "")
    if found is None:
        raise record_not_found("G/L Account", "No.", line.get("lineObjectNumber") or "")
    return found


def next_sequence(lines: list[dict]) -> int:
    return max((int(line.get("sequence") or 0) for line in lines), default=0) + 10000


# --- amounts --------------------------------------------------------------------------------------
def recalculate(company: BcCompany, entity_set: str, data: dict) -> dict:
    """The document with its lines' and its own amounts computed, as BC shows them."""
    spec = ENTITY_SETS[entity_set]
    customer = None
    if (data.get("customerId") or NO_ID) != NO_ID:
        customer = records.find(company, "customers", record_id=data["customerId"])
    rate = tax_rate(company, customer)
    lines = [dict(line) for line in data.get(spec.lines, [])]
    gross = []
    for line in lines:
        amount = money(
            Decimal(str(line.get("quantity") or 0)) * Decimal(str(line.get("unitPrice") or 0))
        )
        percent = Decimal(str(line.get("discountPercent") or 0))
        discount = money(amount * percent / 100) if percent else money(line.get("discountAmount"))
        line["discountAmount"] = number(discount)
        line["amountExcludingTax"] = number(amount - discount)
        gross.append(amount - discount)
    allocations = _spread(money(data.get("discountAmount")), gross)
    nets = [g - a for g, a in zip(gross, allocations, strict=True)]
    taxed = [i for i, line in enumerate(lines) if rate and _taxable(line)]
    taxes = [Decimal(0)] * len(lines)
    total_tax = money(sum((nets[i] for i in taxed), Decimal(0)) * rate / 100)
    for index, share in zip(taxed, _spread(total_tax, [nets[i] for i in taxed]), strict=True):
        taxes[index] = share
    for line, net, allocation, tax in zip(lines, nets, allocations, taxes, strict=True):
        line["invoiceDiscountAllocation"] = number(allocation)
        line["netAmount"] = number(net)
        line["taxPercent"] = number(rate if _taxable(line) else 0)
        line["totalTaxAmount"] = line["netTaxAmount"] = number(tax)
        line["amountIncludingTax"] = line["netAmountIncludingTax"] = number(net + tax)
    net_total = sum(nets, Decimal(0))
    return {**data, spec.lines: lines,
            "totalAmountExcludingTax": number(net_total), "totalTaxAmount": number(total_tax),
            "totalAmountIncludingTax": number(net_total + total_tax)}  # fmt: skip


def _taxable(line: dict) -> bool:
    """Taxed when of a tax group other than NONTAXABLE (the item's or the G/L account's, or
    set on the line); a line without one carries no tax (UNCONFIRMED: BC taxes it when the tax
    area has a tax detail for the blank group, which the sandbox's have not)."""
    return line.get("lineType") != "Comment" and line.get("taxCode") not in ("", "NONTAXABLE")


def _spread(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` in cents over `weights` by share, the remainder on the last."""
    whole = sum(weights, Decimal(0))
    if not weights or not total or not whole:
        return [Decimal(0)] * len(weights)
    shares = [money(total * weight / whole) for weight in weights[:-1]]
    return [*shares, total - sum(shares, Decimal(0))]


# --- the bound actions ----------------------------------------------------------------------------
def _post_checks(record: BcRecord) -> list[dict]:
    lines = [line for line in records.lines_of(record)
             if line.get("lineType") != "Comment" and Decimal(str(line.get("quantity") or 0))]  # fmt: skip
    if not lines:
        raise dialog("There is nothing to post.")
    customer = records.find(record.company, "customers", record_id=record.data.get("customerId"))
    if customer is not None and customer.data.get("blocked") in ("Invoice", "All"):
        raise dialog(f"You cannot post this type of document when Customer {customer.number} "
                     f"is blocked with type {customer.data['blocked']}")  # fmt: skip
    return lines


def _move_inventory(company: BcCompany, lines: list[dict], sign: int) -> None:
    """Item ledger entries of a posting: a sale takes the items out, a credit memo back in."""
    for line in lines:
        if line.get("lineType") != "Item":
            continue
        item = records.find(company, "items", record_id=line.get("itemId"))
        if item is None or item.data.get("type") != "Inventory":
            continue
        item = records.locked(item)
        quantity = Decimal(str(line.get("quantity") or 0))
        left = Decimal(str(item.data.get("inventory") or 0)) + sign * quantity
        records.save(item, {**item.data, "inventory": number(left)})


def _balance(company: BcCompany, customer_id: str, amount: Decimal) -> None:
    """The customer's balanceDue, a FlowField over its ledger entries: posting does not modify
    the customer itself (no new ETag, lastModifiedDateTime or change notification)."""
    customer = records.find(company, "customers", record_id=customer_id)
    if customer is not None:
        customer = records.locked(customer)
        due = Decimal(str(customer.data.get("balanceDue") or 0)) + amount
        records.flowfield_set(customer, "balanceDue", number(money(due)))


def post_invoice(record: BcRecord) -> None:
    """Microsoft.NAV.post: a draft invoice becomes a posted one with the same id (the API
    carries the draft's SystemId over), a number of the posted series and status Open."""
    record = records.locked(record)
    if record.data.get("status") != "Draft":
        raise dialog("The action can be applied to a draft invoice only.")
    lines = _post_checks(record)
    company = record.company
    posted_number = records.next_number(company, POSTED["salesInvoices"])
    data = recalculate(company, "salesInvoices", record.data)
    total = Decimal(str(data["totalAmountIncludingTax"]))
    data |= {"number": posted_number, "status": "Open", "remainingAmount": number(total),
             "postingDate": _date_or_today(data.get("postingDate"))}  # fmt: skip
    records.save(record, data)
    _move_inventory(company, lines, -1)
    _balance(company, data["customerId"], total)


def ship_and_invoice(record: BcRecord) -> BcRecord:
    """Microsoft.NAV.shipAndInvoice: the whole order shipped and invoiced; a posted invoice
    appears with the order's lines, orderId and orderNumber, and the order, fully invoiced,
    is deleted (Sales-Post deletes a completely invoiced order)."""
    record = records.locked(record)
    lines = _post_checks(record)
    company = record.company
    order = recalculate(company, "salesOrders", record.data)
    invoice_id = str(uuid.uuid4())
    posted_lines = []
    for line in order.get("salesOrderLines", []):
        kept = {
            name: value
            for name, value in line.items()
            if name in ENTITY_SETS["salesInvoiceLines"].fields
        }
        posted_lines.append({**kept, "id": str(uuid.uuid4()), "documentId": invoice_id})
    header = {name: value for name, value in order.items()
              if name in ENTITY_SETS["salesInvoices"].fields and name != "salesOrderLines"}  # fmt: skip
    total = Decimal(str(order["totalAmountIncludingTax"]))
    header |= {
        "number": records.next_number(company, POSTED["salesInvoices"]),
        "invoiceDate": today(), "postingDate": _date_or_today(order.get("postingDate")),
        "dueDate": today(), "orderId": str(record.record_id), "orderNumber": record.number,
        "status": "Open", "remainingAmount": number(total), "salesInvoiceLines": posted_lines,
    }  # fmt: skip
    invoice = records.create(company, "salesInvoices", header, record_id=invoice_id)
    _move_inventory(company, lines, -1)
    _balance(company, order["customerId"], total)
    records.delete(record)
    return invoice


def post_credit_memo(record: BcRecord) -> None:
    """Microsoft.NAV.post on a draft credit memo: posted (number of the posted series, status
    Open), items back in stock, the customer's balance lowered."""
    record = records.locked(record)
    if record.data.get("status") != "Draft":
        raise dialog("The action can be applied to a draft credit memo only.")
    lines = _post_checks(record)
    company = record.company
    data = recalculate(company, "salesCreditMemos", record.data)
    data |= {"number": records.next_number(company, POSTED["salesCreditMemos"]),
             "status": "Open", "postingDate": _date_or_today(data.get("postingDate"))}  # fmt: skip
    total = Decimal(str(data["totalAmountIncludingTax"]))
    if (data.get("invoiceId") or NO_ID) != NO_ID:
        data["status"] = _apply_to_invoice(company, data["invoiceId"], total)
    records.save(record, data)
    _move_inventory(company, lines, +1)
    _balance(company, data["customerId"], -total)


def _apply_to_invoice(company: BcCompany, invoice_id: str, credit: Decimal) -> str:
    """The posted credit memo closes (part of) its invoice's remaining amount: the invoice is
    Paid when nothing is left; the credit memo is Paid when all of it was used (else Open)."""
    invoice = records.find(company, "salesInvoices", record_id=invoice_id)
    if invoice is None:
        return "Open"
    invoice = records.locked(invoice)
    remaining = Decimal(str(invoice.data.get("remainingAmount") or 0))
    used = min(remaining, credit)
    left = remaining - used
    records.save(invoice, {**invoice.data, "remainingAmount": number(left),
                           "status": "Paid" if not left else invoice.data.get("status")})  # fmt: skip
    return "Paid" if used == credit else "Open"


def _date_or_today(value) -> str:
    return value if value and value != NO_DATE else today()


ACTIONS = {
    ("salesInvoices", "post"): post_invoice,
    ("salesOrders", "shipAndInvoice"): ship_and_invoice,
    ("salesCreditMemos", "post"): post_credit_memo,
}
