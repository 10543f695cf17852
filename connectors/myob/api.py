"""The company-file endpoints ml-connector uses, on the audited client: reads with OData paging,
POST (201 + Location), PUT with RowVersion."""

from collections.abc import Iterator

from connectors.answers import expect, json_of, rows_of
from connectors.errors import PermanentError, UnreadableAnswer
from connectors.myob.client import company_file_client, wire
from connectors.ratelimit import LIVE

PAGE = 1000  # MYOB's maximum $top
LABEL = "MYOB"


def quoted(value: str) -> str:
    """An OData string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def body_of(response) -> dict:
    """An entity or a page: a JSON object, amounts as Decimal."""
    what = f"{response.request.method} {response.url}"
    return expect(json_of(response, LABEL, decimals=True), dict, LABEL, what)


class MyobApi:
    def __init__(self, connection, *, lane: str = LIVE):
        self.connection = connection
        self.http = company_file_client(connection, lane=lane)

    def company_file(self) -> dict:
        return body_of(self.http.get("", operation="company_file.get"))

    def get(self, resource: str, uid: str) -> dict | None:
        try:
            response = self.http.get(f"{resource}/{uid}", operation=f"{_op(resource)}.get")
        except PermanentError as exc:
            if exc.status == 404:
                return None
            raise
        return body_of(response)

    def pages(
        self, resource: str, *, filter: str = "", orderby: str = "", top: int = PAGE
    ) -> Iterator[list[dict]]:
        """Every page, following NextPageLink (MYOB's own paging links)."""
        params = {"$top": top}
        if filter:
            params["$filter"] = filter
        if orderby:
            params["$orderby"] = orderby
        url, operation, seen = resource, f"{_op(resource)}.list", set()
        while url:
            seen.add(url)
            body = body_of(self.http.get(url, operation=operation, params=params))
            yield rows_of(body.get("Items") or [], LABEL, f"GET {resource} (Items)")
            url, params = body.get("NextPageLink"), None
            if url is not None and (not isinstance(url, str) or url in seen):
                raise UnreadableAnswer(
                    f"MYOB answered GET {resource} with a NextPageLink ({url!r:.100}) that is not "
                    "a new page's address, so the list cannot be read to its end."
                )

    def list(self, resource: str, **kwargs) -> list[dict]:
        return [row for page in self.pages(resource, **kwargs) for row in page]

    def first(self, resource: str, filter: str) -> dict | None:
        page = next(self.pages(resource, filter=filter, top=2), [])
        return page[0] if page else None

    def create(self, resource: str, body: dict) -> dict:
        """POST; the entity comes back with ?returnBody=true (200 or 201: MYOB's status for that
        case is UNCONFIRMED), else it is read from the Location header's URI."""
        response = self.http.post(
            resource,
            operation=f"{_op(resource)}.create",
            json=wire(body),
            params={"returnBody": "true"},
        )
        if response.content:
            return body_of(response)
        uid = response.headers.get("Location", "").rstrip("/").rsplit("/", 1)[-1]
        if not uid:
            raise UnreadableAnswer(
                f"MYOB answered POST {resource} {response.status_code} with neither the new "
                "record nor its address (Location), so it is not known whether it was created."
            )
        return self.get(resource, uid) or {"UID": uid}

    def update(self, resource: str, body: dict) -> dict:
        """PUT the whole entity with the RowVersion it was read with; 409 when it is stale."""
        response = self.http.put(
            f"{resource}/{body['UID']}", operation=f"{_op(resource)}.update", json=wire(body),
            params={"returnBody": "true"},
        )  # fmt: skip
        return body_of(response) if response.content else self.get(resource, body["UID"])


def _op(resource: str) -> str:
    """ "Sale/Invoice/Item" → "sale.invoice.item" for the audit log."""
    return resource.replace("/", ".").lower()
