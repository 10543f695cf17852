"""What a reconciliation test plants in a sandbox ERP, per kind: an invoice deleted, a second
document carrying the same order, a total changed (straight in the sandbox's records, as a person
editing the ledger would leave them)."""

import uuid
from decimal import Decimal

from sandbox.exact_online.models import ExactRecord
from sandbox.myob.models import MyobRecord


def _myob_record(connection, document_id):
    return MyobRecord.objects.get(uid=document_id)


def _exact_record(connection, document_id):
    return ExactRecord.objects.get(guid=document_id)


def myob_duplicate(connection, document_id):
    record = _myob_record(connection, document_id)
    copy = uuid.uuid4()
    MyobRecord.objects.create(
        business=record.business, resource=record.resource, uid=copy,
        data={**record.data, "UID": str(copy), "Number": record.data["Number"] + "-COPY"},
        created=record.created, last_modified=record.last_modified,
    )  # fmt: skip


def myob_total_change(connection, document_id, by: Decimal):
    record = _myob_record(connection, document_id)
    record.data["TotalAmount"] = float(Decimal(str(record.data["TotalAmount"])) + by)
    record.save()


def exact_duplicate(connection, document_id):
    record = _exact_record(connection, document_id)
    copy = uuid.uuid4()
    ExactRecord.objects.create(
        division=record.division, resource=record.resource, guid=copy,
        data={**record.data, "InvoiceID": str(copy), "InvoiceNumber": record.data["InvoiceNumber"] + 1},
        created=record.created, modified=record.modified, timestamp=record.timestamp + 1,
    )  # fmt: skip


def exact_total_change(connection, document_id, by: Decimal):
    record = _exact_record(connection, document_id)
    record.data["AmountFC"] = float(Decimal(str(record.data["AmountFC"])) + by)
    record.data["AmountDC"] = record.data["AmountFC"]
    record.save()


PLANTERS = {
    "myob": (_myob_record, myob_duplicate, myob_total_change),
    "exact_online": (_exact_record, exact_duplicate, exact_total_change),
}


def delete(kind, connection, document_id):
    PLANTERS[kind][0](connection, document_id).delete()


def duplicate(kind, connection, document_id):
    PLANTERS[kind][1](connection, document_id)


def total_change(kind, connection, document_id, by=Decimal("5.00")):
    PLANTERS[kind][2](connection, document_id, by)
