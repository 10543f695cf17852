"""How entities look on the wire: the verbose OData envelope Exact answers with.

Every entity carries `__metadata` (uri, type) and every property of its type, null where unset
(or only the $select'ed ones); dates are /Date(ms)/; an invoice's lines are `__deferred` unless
expanded."""

from datetime import UTC, datetime

from sandbox.exact_online.resources import RESOURCES, Resource, bad

DATE_FIELDS = {"Created", "Modified", "InvoiceDate", "OrderDate", "DueDate", "DeliveryDate"}
LINES = "SalesInvoiceLines"


def exact_date(value: str) -> str:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"/Date({int(moment.timestamp() * 1000)})/"


def key_literal(value) -> str:
    """A key as OData v2 writes it in a URI or a $skiptoken: guid'…' or a bare number."""
    return str(value) if isinstance(value, int) else f"guid'{value}'"


def parse_select(spec: Resource, text: str) -> list[str]:
    """$select's names; a name the type lacks is refused as WCF Data Services words it."""
    names, position = [], 0
    for part in text.split(","):
        name = part.strip()
        if name and name != "*" and spec.properties and name not in spec.properties:
            raise bad(
                f"No property '{name}' exists in type '{spec.model_type}' at position "
                f"{position + part.index(name)}."
            )
        if name:
            names.append(name)
        position += len(part) + 1
    return [] if "*" in names else names


def render(spec: Resource, data: dict, base: str, select=(), expand: bool = False) -> dict:
    key = data.get(spec.key)
    shown = {
        "__metadata": {
            "uri": f"{base}{spec.path}({key_literal(key)})",
            "type": spec.model_type,
        }
    }
    names = list(select) or [*data, *sorted(spec.properties - data.keys())]
    for name in names:
        value = data.get(name)
        if name in DATE_FIELDS and isinstance(value, str) and value:
            value = exact_date(value)
        shown[name] = value
    if spec.entity == "salesinvoice/SalesInvoices" and LINES in shown:
        if expand:
            lines = RESOURCES["salesinvoice/salesinvoicelines"]
            rows = [{**line, "InvoiceID": key} for line in data.get(LINES, [])]
            shown[LINES] = {"results": [render(lines, row, base) for row in rows]}
        else:
            uri = f"{base}{spec.path}({key_literal(key)})/{LINES}"
            shown[LINES] = {"__deferred": {"uri": uri}}
    return shown
