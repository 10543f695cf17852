"""The division endpoints ml-connector uses: reads that follow __next, POST with
`Prefer: return=representation`, PUT by guid."""

from collections.abc import Iterator

from connectors.errors import UnreadableAnswer
from connectors.exact_online.client import division_client, me_client
from connectors.odata import ODataClient, PageShape, operation_of, options
from connectors.odata import quoted as quoted  # the literal every caller of the API writes
from connectors.ratelimit import LIVE

LABEL = "Exact Online"
PAGE_SHAPE = PageShape(LABEL, rows="results", next_link="__next", envelope="d")


class ExactApi:
    def __init__(self, connection, *, lane: str = LIVE):
        self.connection = connection
        self.http = division_client(connection, lane=lane)
        self.odata = ODataClient(self.http, PAGE_SHAPE)

    def pages(self, resource: str, *, select: str, filter: str = "") -> Iterator[list[dict]]:
        return self.odata.pages(resource, options(select=select, filter=filter))

    def list(self, resource: str, **kwargs) -> list[dict]:
        return [row for page in self.pages(resource, **kwargs) for row in page]

    def first(self, resource: str, *, select: str, filter: str) -> dict | None:
        params = options(select=select, filter=filter, top=1)
        response = self.http.get(
            resource, operation=f"{operation_of(resource)}.find", params=params
        )
        found = self.odata.rows(response)
        return found[0] if found else None

    def create(self, resource: str, body: dict) -> dict:
        response = self.http.post(
            resource, operation=f"{operation_of(resource)}.create", json=body,
            headers={"Prefer": "return=representation"},
        )  # fmt: skip
        return self.odata.answer(response)

    def update(self, resource: str, guid: str, body: dict) -> None:
        self.http.put(
            f"{resource}(guid'{guid}')", operation=f"{operation_of(resource)}.update", json=body
        )


def me_api(connection) -> ODataClient:
    """Reads outside the division (current/Me, the divisions): no division in the URL, so they
    are not counted against a division's quota."""
    return ODataClient(me_client(connection), PAGE_SHAPE)


def current_me(connection) -> dict:
    api = me_api(connection)
    found = api.rows(api.http.get("current/Me", operation="current.me"))
    if not found:
        raise UnreadableAnswer("Exact Online answered GET current/Me with no user.")
    return found[0]
