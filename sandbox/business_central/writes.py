"""Writes through the API: the body checked as BC's OData layer checks it (known properties,
their types and lengths, read-only ones refused, no deep patch), then created or patched with
the entity's own rules (numbering, a document's customer and lines, the amounts)."""

import json
import math
import re
import uuid
from datetime import date

from sandbox.business_central import documents, records
from sandbox.business_central.errors import bad_request, dialog, not_an_option
from sandbox.business_central.models import BcCompany, BcRecord
from sandbox.business_central.schema import ENTITY_SETS, ENUMS, NO_DATETIME, NO_ID, EntitySet

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# The table fields' lengths BC enforces (Code[20], Text[100]…); others up to 250.
LENGTHS = {"number": 20, "displayName": 100, "email": 80, "externalDocumentNumber": 35,
           "customerPurchaseOrderReference": 35, "description": 100, "lineObjectNumber": 20,
           "phoneNumber": 30, "addressLine1": 100, "addressLine2": 50, "city": 30,
           "postalCode": 20, "code": 10, "customerNumber": 20, "website": 80,
           "unitOfMeasureCode": 10, "currencyCode": 10}  # fmt: skip


def body_of(request) -> dict:
    try:
        body = json.loads(request.body or b"{}", parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise bad_request("Invalid Request Body: the body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise bad_request("Invalid Request Body: expected a JSON object.")
    return {name: value for name, value in body.items() if not name.startswith("@odata.")}


def _no_constant(name):
    raise ValueError(name)


def check(spec: EntitySet, body: dict, *, creating: bool) -> None:
    """BC's refusals of a body: unknown properties, wrong types, read-only fields, too long."""
    for name, value in body.items():
        if spec.lines and name == spec.lines:
            if not creating:
                raise bad_request(f"Deep update of the navigation property '{name}' is not "
                                  "supported. Update the lines with requests of their own.")  # fmt: skip
            if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
                raise bad_request(f"Invalid Request Body: '{name}' must be an array of objects.")
            for line in value:
                check(ENTITY_SETS[spec.lines], line, creating=True)
            continue
        if name not in spec.fields:
            raise bad_request(f"The property '{name}' does not exist on type "
                              f"'Microsoft.NAV.{spec.type}'. Make sure to only use property "
                              "names that are defined by the type.")  # fmt: skip
        if name in spec.read_only and not (name == "id" and creating):
            # The wording of a read-only field's refusal is UNCONFIRMED.
            raise bad_request(f"The property '{name}' is read-only and cannot be set.")
        _check_type(spec, name, value)


def _check_type(spec: EntitySet, name: str, value) -> None:
    empty = spec.fields[name]
    wrong = bad_request(f"Invalid Request Body: cannot convert the value of '{name}' to the "
                        f"type of the property.")  # fmt: skip
    if value is None:
        raise wrong
    if isinstance(empty, bool):
        if not isinstance(value, bool):
            raise wrong
    elif isinstance(empty, int | float):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise wrong
        if abs(value) >= 10**15:
            raise bad_request(f"The value of '{name}' is outside the allowed range.")
    elif not isinstance(value, str):
        raise wrong
    elif (spec.name, name) in ENUMS:
        if value not in ENUMS[spec.name, name]:
            raise not_an_option(value, ENUMS[spec.name, name])
    elif empty == NO_ID:
        if not GUID.match(value):
            raise wrong
    elif empty == NO_DATETIME:
        raise wrong  # date-times on these pages are all read-only
    elif name.endswith("Date") and empty == "0001-01-01":
        try:
            date.fromisoformat(value)
        except ValueError:
            raise wrong from None
    elif len(value) > LENGTHS.get(name, 250):
        raise bad_request(f"The length of the string is {len(value)}, but it must be less than "
                          f"or equal to {LENGTHS.get(name, 250)} characters. Value: {value}",
                          code="BadRequest")  # fmt: skip


# --- create ---------------------------------------------------------------------------------------
def create(company: BcCompany, spec: EntitySet, body: dict) -> BcRecord:
    """POST <entity set>: 201 with the new entity. A document with its lines (deep insert) is
    all made or none (the caller's transaction)."""
    if not spec.creatable:
        raise bad_request(
            f"Inserting into '{spec.name}' is not allowed.", code="BadRequest_MethodNotAllowed"
        )
    check(spec, body, creating=True)
    data = dict(body)
    record_id = data.pop("id", None)
    if spec.name == "items" and "inventory" in data:
        raise dialog("Inventory cannot be changed during on insert.")
    if spec.number_field == "number" and not data.get("number") and spec.series:
        data["number"] = records.next_number(company, spec.series)
    number = data.get(spec.number_field)
    if number and records.find(company, spec.name, number=number):
        raise dialog(f"The record in table {spec.table} already exists. Identification fields "
                     f"and values: No.='{number}'")  # fmt: skip
    if spec.name == "itemVariants":
        data = _variant(company, data)
    if spec.lines:
        return _create_document(company, spec, data, record_id)
    if spec.name == "customers":
        data = _customer_tax_area(company, data)
    return records.create(company, spec.name, data, record_id=record_id)


def _variant(company: BcCompany, data: dict) -> dict:
    item = None
    if (data.get("itemId") or NO_ID) != NO_ID:
        item = records.find(company, "items", record_id=data["itemId"])
    elif data.get("itemNumber"):
        item = records.find(company, "items", number=data["itemNumber"])
    if item is None:
        raise dialog("An item must be given: itemId or itemNumber.")
    return {**data, "itemId": str(item.record_id), "itemNumber": item.number}


def _customer_tax_area(company: BcCompany, data: dict) -> dict:
    area_id = data.get("taxAreaId") or NO_ID
    if area_id == NO_ID:
        return data
    area = records.find(company, "taxAreas", record_id=area_id)
    if area is None:
        raise dialog(f"The Tax Area does not exist. Identification fields and values: "
                     f"SystemId='{area_id}'")  # fmt: skip
    return {**data, "taxAreaDisplayName": area.data.get("displayName", "")}


def _create_document(company, spec: EntitySet, data: dict, record_id) -> BcRecord:
    if spec.name == "salesCreditMemos":
        data = documents.applies_to_invoice(company, data)
    customer = documents.customer_of(company, data)
    if customer.data.get("blocked") == "All":
        raise dialog(f"You cannot create this type of document when Customer {customer.number} "
                     "is blocked with type All")  # fmt: skip
    data = documents.with_customer(data, customer)
    document_id = str(uuid.UUID(str(record_id))) if record_id else str(uuid.uuid4())
    lines, sequence = [], 10000
    for line in data.pop(spec.lines, []):
        prepared = documents.prepare_line(company, spec.lines, line, document_id)
        if not line.get("sequence"):
            prepared["sequence"] = sequence
        sequence = int(prepared["sequence"]) + 10000
        lines.append(prepared)
    data = _dates(spec, data) | {spec.lines: lines, "status": "Draft"}
    data = documents.recalculate(company, spec.name, data)
    return records.create(company, spec.name, data, record_id=document_id)


def _dates(spec: EntitySet, data: dict) -> dict:
    today = documents.today()
    defaults = {"salesOrders": ("orderDate", "postingDate"),
                "salesInvoices": ("invoiceDate", "postingDate", "dueDate"),
                "salesCreditMemos": ("creditMemoDate", "postingDate", "dueDate")}[spec.name]  # fmt: skip
    return data | {name: today for name in defaults if data.get(name, "0001-01-01") == "0001-01-01"}


# --- patch and delete -----------------------------------------------------------------------------
def not_posted(record: BcRecord) -> None:
    if (
        record.entity_set in ("salesInvoices", "salesCreditMemos")
        and record.data.get("status") != "Draft"
    ):
        kind = "invoice" if record.entity_set == "salesInvoices" else "credit memo"
        raise dialog(f"The {kind} has been posted and can no longer be modified.")


def patch(record: BcRecord, spec: EntitySet, body: dict) -> BcRecord:
    if not spec.writable:
        raise bad_request(
            f"Modifying '{spec.name}' is not allowed.", code="BadRequest_MethodNotAllowed"
        )
    check(spec, body, creating=False)
    not_posted(record)
    company = record.company
    data = {**record.data, **body}
    if spec.name == "items" and "inventory" in body:
        pass  # an item journal adjustment for the difference: the stock becomes the value
    if spec.name == "customers":
        data = _customer_tax_area(company, data)
    if spec.name == "salesCreditMemos" and {"invoiceId", "invoiceNumber"} & set(body):
        data = documents.applies_to_invoice(company, {**data, **_only_one_invoice_key(body)})
    if spec.lines:
        if {"customerId", "customerNumber"} & set(body):
            changed_customer = {k: body[k] for k in ("customerId", "customerNumber") if k in body}
            customer = documents.customer_of(company, changed_customer)
            data = documents.with_customer(data, customer)
        data = documents.recalculate(company, spec.name, data)
    return records.save(record, data)


def _only_one_invoice_key(body: dict) -> dict:
    """A PATCH naming one of invoiceId/invoiceNumber: the other is looked up again."""
    if "invoiceId" in body:
        return {"invoiceId": body["invoiceId"], "invoiceNumber": ""}
    return {"invoiceId": NO_ID, "invoiceNumber": body["invoiceNumber"]}


def line_create(record: BcRecord, body: dict) -> dict:
    spec = ENTITY_SETS[record.entity_set]
    check(ENTITY_SETS[spec.lines], body, creating=True)
    not_posted(record)
    lines = records.lines_of(record)
    line = documents.prepare_line(record.company, spec.lines, body, str(record.record_id))
    if not body.get("sequence"):
        line["sequence"] = documents.next_sequence(lines)
    data = documents.recalculate(
        record.company, spec.name, {**record.data, spec.lines: [*lines, line]}
    )
    records.save(record, data)
    return next(x for x in data[spec.lines] if x["id"] == line["id"])


def line_patch(record: BcRecord, line_id: str, body: dict) -> dict:
    spec = ENTITY_SETS[record.entity_set]
    check(ENTITY_SETS[spec.lines], body, creating=False)
    not_posted(record)
    lines = records.lines_of(record)
    old = next(x for x in lines if x["id"] == line_id)
    merged = {**old, **body, "_version": old.get("_version", 1) + 1}
    if {"lineObjectNumber", "itemId", "accountId", "lineType"} & set(body):
        merged = documents.prepare_line(record.company, spec.lines, merged, str(record.record_id))
    new_lines = [merged if x["id"] == line_id else x for x in lines]
    data = documents.recalculate(record.company, spec.name, {**record.data, spec.lines: new_lines})
    records.save(record, data)
    return next(x for x in data[spec.lines] if x["id"] == line_id)


def line_delete(record: BcRecord, line_id: str) -> None:
    spec = ENTITY_SETS[record.entity_set]
    not_posted(record)
    lines = [x for x in records.lines_of(record) if x["id"] != line_id]
    records.save(
        record, documents.recalculate(record.company, spec.name, {**record.data, spec.lines: lines})
    )


def check_etag(request, current: str) -> None:
    """If-Match on PATCH and DELETE: required; `*` or the entity's ETag; a stale one → 409."""
    from sandbox.business_central.errors import entity_changed, no_concurrency_token

    given = request.headers.get("If-Match", "").strip()
    if not given:
        raise no_concurrency_token()
    if given != "*" and given != current:
        raise entity_changed()
