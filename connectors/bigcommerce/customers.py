"""A customer changed in an ERP, written to the store: the one place that decides what changes
on a BigCommerce v3 customer. Pure functions: no HTTP, no database.

Each ERP's mapping says what its record wants (`StoreCustomer`); only fields that differ from the
store's customer are sent, so our own write coming back from the ERP sends nothing.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StoreCustomer:
    """A customer as an ERP record says the store should have it.

    `fields`: BigCommerce v3 customer fields to manage ("" clears one; a field left out is left
    as it is). `name`: for ERPs with one name field, the company of a business customer (the
    store's customer has a company), else the first and last name; a blank part is left as it
    is. `address`: the store customer's first address, in v3 names; empty when the ERP record
    has none to give."""

    fields: dict = field(default_factory=dict)
    name: str | None = None
    address: dict = field(default_factory=dict)


def _names(name: str, bc: dict) -> dict:
    if bc.get("company"):
        names = {"company": name}
    else:
        first, _, last = name.partition(" ")
        names = {"first_name": first, "last_name": last}
    return {k: v for k, v in names.items() if v}


def bigcommerce_customer_changes(wanted: StoreCustomer, bc: dict) -> dict:
    """What to change on a BigCommerce v3 customer so it matches the ERP's record:
    {"customer": {field: value}, "address": {field: value, "id": ...}}, each empty when already
    equal."""
    fields = {**(_names(wanted.name, bc) if wanted.name is not None else {}), **wanted.fields}
    customer = {k: v for k, v in fields.items() if (bc.get(k) or "") != v}
    address = {}
    if bc.get("addresses") and wanted.address:
        current = bc["addresses"][0]
        address = {k: v for k, v in wanted.address.items() if (current.get(k) or "") != v}
        if address:
            address["id"] = current["id"]
    return {"customer": customer, "address": address}
