"""The company-file endpoints ml-connector uses, on the audited client: reads with OData paging,
POST (201 + Location), PUT with RowVersion."""

from collections.abc import Iterator
from datetime import datetime

from connectors.errors import PermanentError, UnreadableAnswer
from connectors.myob.client import company_file_client, wire
from connectors.odata import ODataClient, PageShape, operation_of, options
from connectors.odata import quoted as quoted  # the literal every caller of the API writes
from connectors.ratelimit import LIVE

PAGE = 1000  # MYOB's maximum $top
LABEL = "MYOB"
PAGE_SHAPE = PageShape(LABEL, rows="Items", next_link="NextPageLink")


def myob_time(value: str) -> datetime:
    """A LastModified as MYOB writes it (no zone: its own clock), naive."""
    return datetime.fromisoformat(str(value).rstrip("Z")).replace(tzinfo=None)


def modified_after(since: datetime) -> str:
    """The $filter of the records changed after `since` (MYOB's clock, to the millisecond)."""
    moment = since.replace(tzinfo=None).isoformat(timespec="milliseconds")
    return f"LastModified gt datetime'{moment}'"


class MyobApi:
    def __init__(self, connection, *, lane: str = LIVE):
        self.connection = connection
        self.http = company_file_client(connection, lane=lane)
        self.odata = ODataClient(self.http, PAGE_SHAPE)

    def company_file(self) -> dict:
        return self.odata.answer(self.http.get("", operation="company_file.get"))

    def get(self, resource: str, uid: str) -> dict | None:
        try:
            response = self.http.get(f"{resource}/{uid}", operation=f"{operation_of(resource)}.get")
        except PermanentError as exc:
            if exc.status == 404:
                return None
            raise
        return self.odata.answer(response)

    def pages(
        self, resource: str, *, filter: str = "", orderby: str = "", top: int = PAGE
    ) -> Iterator[list[dict]]:
        return self.odata.pages(resource, options(top=top, filter=filter, orderby=orderby))

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
            operation=f"{operation_of(resource)}.create",
            json=wire(body),
            params={"returnBody": "true"},
        )
        if response.content:
            return self.odata.answer(response)
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
            f"{resource}/{body['UID']}", operation=f"{operation_of(resource)}.update",
            json=wire(body), params={"returnBody": "true"},
        )  # fmt: skip
        return self.odata.answer(response) if response.content else self.get(resource, body["UID"])
