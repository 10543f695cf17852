"""Business Central's API v2.0 (OData v4) on the audited client.

`http` is the company's client (`.../companies(<id>)/`), `root` the environment's (companies,
subscriptions). Lists are read page by page through `@odata.nextLink` (connectors/odata.py),
asking for pages of PAGE records with `Prefer: odata.maxpagesize` (at most 20,000 online).
Entities carry `@odata.etag`; a PATCH sends it as If-Match, and a stale one is a 409
Request_EntityChanged, raised as EntityChanged for the caller to read the record again.
Date-times in `$filter` are unquoted (`lastModifiedDateTime gt 2019-08-18T20:05:51.603Z`).
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from functools import cached_property

from connectors.answers import expect, json_of
from connectors.business_central.client import (
    LABEL,
    company_client,
    environment_client,
    is_entity_changed,
)
from connectors.errors import PermanentError
from connectors.odata import ODataClient, PageShape, options
from connectors.odata import quoted as quoted  # the literal every caller of the API writes
from connectors.ratelimit import LIVE

PAGE = 1_000
SHAPE = PageShape(label=LABEL, rows="value", next_link="@odata.nextLink")
ETAG = "@odata.etag"


class EntityChanged(PermanentError):
    """Someone changed the record since it was read (409 Request_EntityChanged)."""


def datetime_literal(moment: datetime) -> str:
    """An OData v4 date-time literal, unquoted, in UTC with milliseconds."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def plain_json(value):
    """A body for requests' JSON encoder: Decimal as a JSON number (a cent amount's shortest
    float repr is that amount)."""
    if isinstance(value, dict):
        return {k: plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_json(v) for v in value]
    return float(value) if isinstance(value, Decimal) else value


def keyed(entity_set: str, record_id: str) -> str:
    """`salesInvoices(<id>)`: ids are GUIDs, written bare in the key."""
    return f"{entity_set}({record_id})"


def _operation(entity_set: str, what: str) -> str:
    return f"{entity_set.lower()}.{what}"


class BusinessCentralApi:
    def __init__(self, connection, *, lane: str = LIVE):
        self.connection = connection
        self.lane = lane
        self.http = company_client(connection, lane)

    @cached_property
    def root(self):
        return environment_client(self.connection, self.lane)

    def _odata(self, http) -> ODataClient:
        return ODataClient(http, SHAPE)

    def record(self, response, what: str) -> dict:
        return expect(json_of(response, LABEL, decimals=True), dict, LABEL, what)

    def pages(self, entity_set: str, *, filter: str = "", select: str = "", expand: str = "",
              orderby: str = "", top: int | None = None, page: int = PAGE,
              environment: bool = False) -> Iterator[list[dict]]:  # fmt: skip
        http = self.root if environment else self.http
        http_paged = _Paged(http, page)
        params = options(filter=filter, select=select, expand=expand, orderby=orderby, top=top)
        yield from self._odata(http_paged).pages(
            entity_set, params, operation=_operation(entity_set, "list")
        )

    def list(self, entity_set: str, **kwargs) -> list[dict]:
        return [row for page in self.pages(entity_set, **kwargs) for row in page]

    def first(self, entity_set: str, *, filter: str, select: str = "", expand: str = "",
              orderby: str = "") -> dict | None:  # fmt: skip
        pages = self.pages(entity_set, filter=filter, select=select, expand=expand,
                           orderby=orderby, top=1)  # fmt: skip
        page = next(pages, [])
        return page[0] if page else None

    def get(self, entity_set: str, record_id: str, *, expand: str = "") -> dict | None:
        """By id; None when it is not there (404)."""
        try:
            response = self.http.get(
                keyed(entity_set, record_id), operation=_operation(entity_set, "get"),
                params=options(expand=expand),
            )  # fmt: skip
        except PermanentError as exc:
            if exc.status == 404:
                return None
            raise
        return self.record(response, f"GET {entity_set}")

    def create(self, entity_set: str, body: dict) -> dict:
        """POST (201 with the record). Never repeated in place: a lost answer raises
        AmbiguousWrite and the caller looks the record up by its reference next time."""
        response = self.http.post(
            entity_set, operation=_operation(entity_set, "create"), json=plain_json(body)
        )
        return self.record(response, f"POST {entity_set}")

    def update(self, entity_set: str, record_id: str, body: dict, *, etag: str) -> dict:
        """PATCH with If-Match; a stale etag raises EntityChanged."""
        try:
            response = self.http.patch(
                keyed(entity_set, record_id), operation=_operation(entity_set, "update"),
                json=plain_json(body), headers={"If-Match": etag or "*"},
            )  # fmt: skip
        except PermanentError as exc:
            if is_entity_changed(exc):
                raise EntityChanged(exc.message, status=409) from exc
            raise
        return self.record(response, f"PATCH {entity_set}")

    def action(self, entity_set: str, record_id: str, name: str) -> None:
        """A bound action, e.g. `salesInvoices(<id>)/Microsoft.NAV.post` (204)."""
        self.http.post(
            f"{keyed(entity_set, record_id)}/Microsoft.NAV.{name}",
            operation=_operation(entity_set, name.lower()),
        )


class _Paged:
    """The client with `Prefer: odata.maxpagesize` on each page's request."""

    def __init__(self, http, page: int):
        self.http, self.page = http, page

    def get(self, path, *, operation, **kwargs):
        headers = {
            "Prefer": f"odata.maxpagesize={self.page}",
            **(kwargs.pop("headers", None) or {}),
        }
        return self.http.get(path, operation=operation, headers=headers, **kwargs)
