"""The entities the sandbox serves, each with its key, the fields a POST must carry, and how a
new or changed entity is checked and completed (codes padded, totals computed, links checked).

Dates are kept as ISO text (so $filter compares them) and shown as /Date(ms)/."""

import uuid
from dataclasses import dataclass
from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from sandbox.exact_online.errors import ApiError
from sandbox.exact_online.models import ExactDivision, ExactRecord
from sandbox.exact_online.properties import PROPERTIES

CENT = Decimal("0.01")


def naive_utc(moment) -> str:
    """Exact keeps times without a zone; $filter's datetime'…' literals compare with them."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


def bad(message: str) -> ApiError:
    return ApiError(400, message)


def record_by(division: ExactDivision, resource: str, **match) -> ExactRecord | None:
    for record in ExactRecord.objects.filter(division=division, resource=resource):
        if all(str(record.data.get(k, "")).strip() == str(v).strip() for k, v in match.items()):
            return record
    return None


def record_by_guid(division: ExactDivision, resource: str, value, field: str) -> ExactRecord:
    found = ExactRecord.objects.filter(
        division=division, resource=resource, guid=_guid(value, field)
    ).first()
    if found is None:
        raise bad(f"{field}: the {resource.split('/')[-1][:-1]} {value} does not exist.")
    return found


def _guid(value, field: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as exc:
        raise bad(f"{field}: '{value}' is not a valid Guid.") from exc


def _decimal(value, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise bad(f"{field}: '{value}' is not a number.") from exc


def pad_code(code) -> str:
    """Account codes are numeric text right-aligned in 18 characters (leading spaces)."""
    text = str(code).strip()
    if not text.isdigit():
        raise bad(f"Code: '{text}' must be numeric.")
    return text.rjust(18)


@dataclass(frozen=True)
class Resource:
    path: str
    key: str = "ID"
    required: tuple[str, ...] = ()
    writable: bool = True
    # "Please add a $select or a $top=1 statement" on the big sets and every bulk/sync endpoint.
    needs_select: bool = False
    type_name: str = ""  # Exact.Web.Api.Models.<type_name>
    source: str = ""  # bulk/ and sync/ endpoints read another entity set's rows
    page: int = 60  # rows a page: 60 on REST, 1,000 on bulk/ and sync/

    @property
    def entity(self) -> str:
        """The entity set whose rows (and properties) this endpoint serves."""
        return self.source or self.path

    @property
    def sync(self) -> bool:
        return self.path.startswith("sync/")

    @property
    def model_type(self) -> str:
        return f"Exact.Web.Api.Models.{self.type_name}"

    @property
    def properties(self) -> frozenset[str]:
        known = PROPERTIES.get(self.entity, frozenset())
        return known | {"Timestamp"} if self.sync else known

    def prepare(self, division, body: dict, existing: dict | None) -> dict:
        data = {**(existing or {}), **body}
        return PREPARE.get(self.path, lambda division, data, existing: data)(
            division, data, existing
        )


def check_properties(spec: Resource, body: dict) -> None:
    """Exact (WCF Data Services underneath) refuses a property its type does not have; the
    wording is WCF's (UNCONFIRMED for Exact). Catches e.g. YourReference for YourRef."""
    checks = [(spec, body)]
    if spec.path == "salesinvoice/SalesInvoices":
        lines = body.get("SalesInvoiceLines")
        lines = lines.get("results") if isinstance(lines, dict) else lines
        checks += [(RESOURCES["salesinvoice/salesinvoicelines"], line) for line in lines or []]
    for checked, data in checks:
        if not isinstance(data, dict):
            raise bad("Error processing request stream. An object was expected.")
        unknown = next((name for name in data if name not in checked.properties), None)
        if unknown is not None:
            raise bad(
                f"Error processing request stream. The property name '{unknown}' specified for "
                f"type '{checked.model_type}' is not valid."
            )


def _account(division, data, existing):
    if existing is None and not data.get("Code"):
        codes = [
            int(r.data["Code"])
            for r in ExactRecord.objects.filter(division=division, resource="crm/Accounts")
        ]
        data["Code"] = str(max(codes, default=0) + 1)
    data["Code"] = pad_code(data["Code"])
    clash = record_by(division, "crm/Accounts", Code=data["Code"])
    if clash and (existing is None or clash.data.get("ID") != existing.get("ID")):
        raise bad(f"Code: an account with code {data['Code'].strip()} already exists.")
    if data.get("Status") not in (None, "", "A", "S", "P", "C"):
        raise bad("Status: use A, S, P or C.")
    if data.get("Status") == "C":
        data.setdefault("IsSales", True)
    return data


def _address(division, data, existing):
    record_by_guid(division, "crm/Accounts", data.get("Account"), "Account")
    data.setdefault("Type", 4)  # 4 = delivery address
    return data


def _money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _invoice(division, data, existing):
    if existing is not None:
        raise ApiError(400, "Invoices that are not drafts cannot be changed.")
    ordered_by = record_by_guid(division, "crm/Accounts", data.get("OrderedBy"), "OrderedBy")
    data["InvoiceTo"] = data.get("InvoiceTo") or data["OrderedBy"]
    record_by_guid(division, "crm/Accounts", data["InvoiceTo"], "InvoiceTo")
    if data.get("DeliverTo"):
        record_by_guid(division, "crm/Accounts", data["DeliverTo"], "DeliverTo")
    if data.get("DeliverToAddress"):
        # An invoice's delivery address is DeliverToAddress (DeliveryAddress is a sales order's).
        address = record_by_guid(
            division, "crm/Addresses", data["DeliverToAddress"], "DeliverToAddress"
        )
        if address.data.get("Account") != data.get("DeliverTo", data["InvoiceTo"]):
            raise bad("DeliverToAddress: the address does not belong to the DeliverTo account.")
    journal = record_by(division, "financial/Journals", Code=data.get("Journal", ""))
    if journal is None or journal.data.get("Type") != 20:
        raise bad(f"Journal: '{data.get('Journal')}' is not a sales journal.")
    lines = data.get("SalesInvoiceLines")
    if isinstance(lines, dict):
        lines = lines.get("results")
    if not lines:
        raise bad("SalesInvoiceLines: an invoice needs at least one line.")
    total_excl = total_vat = Decimal(0)
    prepared = []
    for number, line in enumerate(lines, start=1):
        line = dict(line)
        item = record_by_guid(division, "logistics/Items", line.get("Item"), "Item")
        quantity = _decimal(line.get("Quantity", 1), "Quantity")
        # Which field drives the price when both are sent is UNCONFIRMED: NetPrice wins here.
        price_field = "NetPrice" if line.get("NetPrice") is not None else "UnitPrice"
        price = _decimal(line.get(price_field, item.data.get("StandardSalesPrice", 0)), price_field)
        discount = _decimal(line.get("Discount", 0), "Discount")
        line["GLAccount"] = line.get("GLAccount") or item.data.get("GLRevenue")
        record_by_guid(division, "financial/GLAccounts", line["GLAccount"], "GLAccount")
        if line.get("CostCenter") and not record_by(
            division, "hrm/Costcenters", Code=line["CostCenter"]
        ):
            raise bad(f"CostCenter: '{line['CostCenter']}' does not exist.")
        vat_code = line.get("VATCode") or item.data.get("SalesVatCode")
        vat = record_by(division, "vat/VATCodes", Code=vat_code or "")
        if vat is None or vat.data.get("IsBlocked"):
            raise bad(f"VATCode: '{vat_code}' does not exist or is blocked.")
        amount = quantity * price * (1 - discount)
        vat_amount = amount * _decimal(vat.data.get("Percentage", 0), "Percentage")
        total_excl += amount
        total_vat += vat_amount
        line |= {
            "ID": str(uuid.uuid4()), "LineNumber": number, "Quantity": float(quantity),
            "NetPrice": float(price) if price_field == "NetPrice" else 0.0,
            "UnitPrice": float(price) if price_field == "UnitPrice" else 0.0,
            "VATCode": vat_code, "VATPercentage": vat.data.get("Percentage", 0), "AmountFC": _money(amount), "VATAmountFC": _money(vat_amount),
            "ItemCode": item.data.get("Code"), "Description": line.get("Description") or item.data.get("Description", ""),
        }  # fmt: skip
        prepared.append(line)
    number = ExactDivision.objects.get(pk=division.pk).next_invoice_number
    ExactDivision.objects.filter(pk=division.pk).update(next_invoice_number=number + 1)
    data |= {
        "SalesInvoiceLines": prepared, "InvoiceNumber": number, "Type": data.get("Type", 8020),
        "Status": 20, "Currency": data.get("Currency") or division.currency,
        "AmountFCExclVat": _money(total_excl), "VATAmountFC": _money(total_vat),
        "AmountFC": _money(total_excl + total_vat), "JournalDescription": journal.data.get("Description"),
        "InvoiceToName": ordered_by.data.get("Name"),
    }  # fmt: skip
    return data


PREPARE = {
    "crm/Accounts": _account,
    "crm/Addresses": _address,
    "salesinvoice/SalesInvoices": _invoice,
}


def _bulk_and_sync(path: str, source: str, type_name: str, *, sync: bool = True) -> tuple:
    """Exact's bulk/ (1,000 rows a page) and sync/ (the same, keyed and ordered by Timestamp)
    twins of an entity set: read only, $select required."""
    common = {"source": source, "type_name": type_name, "writable": False, "needs_select": True}
    bulk = Resource(f"bulk/{path}", page=1000, **common)
    return (
        (bulk, Resource(f"sync/{path}", key="Timestamp", page=1000, **common)) if sync else (bulk,)
    )


RESOURCES = {
    spec.path.lower(): spec
    for spec in (
        Resource("crm/Accounts", required=("Name",), needs_select=True, type_name="Account"),
        Resource("crm/Addresses", required=("Account", "AddressLine1"), type_name="Address"),
        Resource(
            "salesinvoice/SalesInvoices",
            key="InvoiceID",
            required=("OrderedBy", "Journal"),
            needs_select=True,
            type_name="SalesInvoice",
        ),
        Resource("salesinvoice/SalesInvoiceLines", writable=False, type_name="SalesInvoiceLine"),
        Resource("logistics/Items", required=("Code", "Description"), type_name="Item"),
        Resource("financial/GLAccounts", required=("Code", "Description"), type_name="GLAccount"),
        Resource("hrm/Costcenters", required=("Code", "Description"), type_name="Costcenter"),
        Resource("vat/VATCodes", required=("Code", "Description"), type_name="VATCode"),
        Resource(
            "financial/Journals", required=("Code", "Description", "Type"), type_name="Journal"
        ),
        Resource("hrm/Divisions", key="Code", writable=False, type_name="Division"),
        *_bulk_and_sync("CRM/Accounts", "crm/Accounts", "Account"),
        *_bulk_and_sync("CRM/Addresses", "crm/Addresses", "Address"),
        *_bulk_and_sync("Financial/GLAccounts", "financial/GLAccounts", "GLAccount"),
        *_bulk_and_sync("Logistics/Items", "logistics/Items", "Item"),
        # sync/SalesInvoice/SalesInvoices is one row per line in Exact: not served here.
        *_bulk_and_sync("SalesInvoice/SalesInvoices", "salesinvoice/SalesInvoices", "SalesInvoice", sync=False),
        *_bulk_and_sync("SalesInvoice/SalesInvoiceLines", "salesinvoice/SalesInvoiceLines", "SalesInvoiceLine", sync=False),
    )
}  # fmt: skip


def create(division: ExactDivision, spec: Resource, body: dict) -> ExactRecord:
    """A new entity, checked and completed as Exact does it."""
    with transaction.atomic():
        # One create at a time per division: account codes and invoice numbers are handed out
        # in sequence, never twice.
        ExactDivision.objects.select_for_update().get(pk=division.pk)
        now = timezone.now()
        record = ExactRecord(division=division, resource=spec.path, created=now, modified=now)
        data = spec.prepare(division, dict(body), None)
        record.data = data | {
            spec.key: str(record.guid),
            "Division": division.code,
            "Created": naive_utc(now),
            "Modified": naive_utc(now),
        }
        record.save()
    return record
