"""The division endpoints ml-connector uses: reads that follow __next, POST with
`Prefer: return=representation`, PUT by guid."""

from collections.abc import Iterator

from connectors.answers import expect, json_of, rows_of
from connectors.errors import UnreadableAnswer
from connectors.exact_online.client import division_client, me_client
from connectors.ratelimit import LIVE

LABEL = "Exact Online"


def quoted(value) -> str:
    """An OData string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _d(response) -> dict:
    """The object under "d" that wraps every Exact answer, amounts as Decimal."""
    what = f"{response.request.method} {response.url}"
    body = expect(json_of(response, LABEL, decimals=True), dict, LABEL, what)
    return expect(body.get("d"), dict, LABEL, f"{what} (d)")


def results_of(response) -> list[dict]:
    return rows_of(
        _d(response).get("results", []), LABEL, f"{response.request.method} {response.url}"
    )


class ExactApi:
    def __init__(self, connection, *, lane: str = LIVE):
        self.connection = connection
        self.http = division_client(connection, lane=lane)

    def pages(self, resource: str, *, select: str, filter: str = "") -> Iterator[list[dict]]:
        params = {"$select": select}
        if filter:
            params["$filter"] = filter
        url, operation, seen = resource, f"{_op(resource)}.list", set()
        while url:
            seen.add(url)
            response = self.http.get(url, operation=operation, params=params)
            yield results_of(response)
            url, params = _d(response).get("__next"), None
            if url is not None and (not isinstance(url, str) or url in seen):
                raise UnreadableAnswer(
                    f"Exact Online answered GET {resource} with a __next ({url!r:.100}) that is "
                    "not a new page's address, so the list cannot be read to its end."
                )

    def list(self, resource: str, **kwargs) -> list[dict]:
        return [row for page in self.pages(resource, **kwargs) for row in page]

    def first(self, resource: str, *, select: str, filter: str) -> dict | None:
        params = {"$select": select, "$filter": filter, "$top": 1}
        found = results_of(
            self.http.get(resource, operation=f"{_op(resource)}.find", params=params)
        )
        return found[0] if found else None

    def create(self, resource: str, body: dict) -> dict:
        response = self.http.post(
            resource, operation=f"{_op(resource)}.create", json=body,
            headers={"Prefer": "return=representation"},
        )  # fmt: skip
        return _d(response)

    def update(self, resource: str, guid: str, body: dict) -> None:
        self.http.put(f"{resource}(guid'{guid}')", operation=f"{_op(resource)}.update", json=body)


def current_me(connection) -> dict:
    response = me_client(connection).get("current/Me", operation="current.me")
    found = results_of(response)
    if not found:
        raise UnreadableAnswer("Exact Online answered GET current/Me with no user.")
    return found[0]


def _op(resource: str) -> str:
    """ "salesinvoice/SalesInvoices" → "salesinvoice.salesinvoices" for the audit log."""
    return resource.replace("/", ".").lower()
