"""The division endpoints ml-connector uses: reads that follow __next, POST with
`Prefer: return=representation`, PUT by guid."""

from collections.abc import Iterator
from decimal import Decimal

from connectors.exact_online.client import division_client, me_client
from connectors.ratelimit import LIVE


def quoted(value) -> str:
    """An OData string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _results(response) -> list[dict]:
    return response.json(parse_float=Decimal)["d"].get("results", [])


class ExactApi:
    def __init__(self, connection, *, lane: str = LIVE):
        self.connection = connection
        self.http = division_client(connection, lane=lane)

    def pages(self, resource: str, *, select: str, filter: str = "") -> Iterator[list[dict]]:
        params = {"$select": select}
        if filter:
            params["$filter"] = filter
        url, operation = resource, f"{_op(resource)}.list"
        while url:
            body = self.http.get(url, operation=operation, params=params).json(parse_float=Decimal)[
                "d"
            ]
            yield body.get("results", [])
            url, params = body.get("__next"), None

    def list(self, resource: str, **kwargs) -> list[dict]:
        return [row for page in self.pages(resource, **kwargs) for row in page]

    def first(self, resource: str, *, select: str, filter: str) -> dict | None:
        params = {"$select": select, "$filter": filter, "$top": 1}
        found = _results(self.http.get(resource, operation=f"{_op(resource)}.find", params=params))
        return found[0] if found else None

    def create(self, resource: str, body: dict) -> dict:
        response = self.http.post(
            resource, operation=f"{_op(resource)}.create", json=body,
            headers={"Prefer": "return=representation"},
        )  # fmt: skip
        return response.json(parse_float=Decimal)["d"]

    def update(self, resource: str, guid: str, body: dict) -> None:
        self.http.put(f"{resource}(guid'{guid}')", operation=f"{_op(resource)}.update", json=body)


def current_me(connection) -> dict:
    response = me_client(connection).get("current/Me", operation="current.me")
    return _results(response)[0]


def _op(resource: str) -> str:
    """ "salesinvoice/SalesInvoices" → "salesinvoice.salesinvoices" for the audit log."""
    return resource.replace("/", ".").lower()
