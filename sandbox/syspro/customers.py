"""ARSSCS, customer setup (Setup/Add and Setup/Update): XmlIn <SetupArCustomer><Item><Key>
<Customer/></Key><Name/>…</Item></SetupArCustomer> → the lower-cased root <setuparcustomer> with
each <item> (its <key> echoed) and <StatusOfItems><RecordsRead/><RecordsInvalid/>; a field error
is the recorded INVSWS shape inside the item. An empty Customer on Add takes the next number
(UNCONFIRMED). Field lengths below are SYSPRO's ArCustomer columns' (UNCONFIRMED: no XSD seen)."""

from django.db import transaction
from django.utils import timezone

from sandbox.syspro import numbers, tables, xmlio
from sandbox.syspro.models import SysproCustomer

LENGTHS = {"Customer": 15, "Name": 50, "Email": 80, "Telephone": 20, "Contact": 40,
           "SoldToAddr1": 40, "SoldToAddr2": 40, "SoldToAddr3": 40, "SoldToAddr4": 40,
           "SoldToAddr5": 40, "SoldPostalCode": 15, "ShipToAddr1": 40, "ShipToAddr2": 40,
           "ShipToAddr3": 40, "ShipToAddr4": 40, "ShipToAddr5": 40, "ShipPostalCode": 15,
           "Currency": 3, "CustomerOnHold": 1, "PriceCode": 2, "TermsCode": 2, "Branch": 10,
           "Salesperson": 20, "CustomerClass": 10, "TaxStatus": 1, "CreditLimit": 15}  # fmt: skip
COLUMN = {name.lower(): name for name in tables.CUSTOMER_COLUMNS}
# SYSPRO's error numbers here are the sandbox's own (UNCONFIRMED).
NOT_FOUND, EXISTS, TOO_LONG = 110003, 110004, 110010


def setup(company, method: str, document) -> tuple[bytes, bool]:
    """(the answer, whether every item was applied). Add makes new customers, Update changes
    the columns sent of existing ones; an invalid item is left untouched."""
    answer = xmlio.root("setuparcustomer")
    read = invalid = 0
    with transaction.atomic():
        company = numbers.locked(company)
        for item in xmlio.children(document, "Item"):
            read += 1
            invalid += not _item(company, method, item, xmlio.add(answer, "item"))
    status = xmlio.add(answer, "StatusOfItems")
    xmlio.add(status, "RecordsRead", read)
    xmlio.add(status, "RecordsInvalid", invalid)
    return xmlio.document(answer), read > 0 and not invalid


def _item(company, method: str, item, out) -> bool:
    code = xmlio.text(item, "Key", "Customer").upper()
    key = xmlio.add(out, "key")
    values = {COLUMN[name]: value for name, value in xmlio.fields(item).items() if name in COLUMN}
    values.pop("Customer", None)
    for column, value in values.items():
        if len(value) > LENGTHS.get(column, 50):
            xmlio.add(key, "customer", code)
            xmlio.field_error(out, column.lower(), value, TOO_LONG,
                              f"{column} is longer than {LENGTHS.get(column, 50)} characters")  # fmt: skip
            return False
    existing = SysproCustomer.objects.filter(company=company, code=code).first() if code else None
    if method == "Add":
        if existing is not None:
            xmlio.add(key, "customer", code)
            xmlio.field_error(out, "customer", code, EXISTS, f"Customer '{code}' already exists")
            return False
        code = code or numbers.next_number(company, "customer")
        if len(code) > LENGTHS["Customer"]:
            xmlio.add(key, "customer", code)
            xmlio.field_error(
                out, "customer", code, TOO_LONG, "Customer is longer than 15 characters"
            )
            return False
        SysproCustomer.objects.create(company=company, code=code, data=values,
                                      updated_at=timezone.now())  # fmt: skip
    else:
        if existing is None:
            xmlio.add(key, "customer", code)
            xmlio.field_error(out, "customer", code, NOT_FOUND, f"Customer '{code}' not found")
            return False
        existing.data = {**existing.data, **values}
        existing.updated_at = timezone.now()
        existing.save(update_fields=["data", "updated_at"])
    xmlio.add(key, "customer", code)
    return True
