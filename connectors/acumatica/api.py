"""The contract-based REST API of one endpoint version, on the audited client.

Every value travels wrapped as `{"value": X}`; `wrapped` and `unwrapped` are the ONE place that
knows it: callers build and read plain dicts (linked entities nested, details as lists, `id`,
`rowNumber` and `custom` bare). Lists have no next link and no count (UNCONFIRMED: none is
documented): pages of `$top` are read with `$skip` until a short page.
"""

import time
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import urljoin

from django.conf import settings

from connectors.acumatica.client import (
    LABEL,
    RecordRefused,
    entity_client,
    error_message,
    field_errors,
)
from connectors.answers import expect, json_of, json_or_none, reading, rows_of
from connectors.errors import PermanentError, TransientError, UnreadableAnswer
from connectors.odata import options
from connectors.odata import quoted as quoted  # the literal every caller of the API writes
from connectors.ratelimit import LIVE

PAGE = 500
MAX_PAGES = 2_000
SYSTEM_FIELDS = frozenset({"id", "rowNumber", "custom", "files", "delete", "_links"})


def wrapped(value):
    """A plain record as Acumatica takes it: each field `{"value": X}`; nested dicts are linked
    entities, lists are detail lines. Decimal goes as a JSON number (a cent amount's shortest
    float repr is that amount)."""
    if isinstance(value, dict):
        return {
            k: (v if k in SYSTEM_FIELDS else _field(v)) for k, v in value.items()
        }  # fmt: skip
    raise TypeError("wrapped() takes a record")


def _field(value):
    if isinstance(value, dict):
        return wrapped(value)
    if isinstance(value, list):
        return [wrapped(row) for row in value]
    return {"value": float(value) if isinstance(value, Decimal) else value}


def unwrapped(record: dict) -> dict:
    """Acumatica's record as a plain dict: `{"value": X}` → X (an `error` beside it is dropped:
    the client turns errors into messages before anything reads the record)."""
    plain = {}
    for key, value in record.items():
        if key in SYSTEM_FIELDS:
            plain[key] = value
        elif isinstance(value, dict) and "value" in value:
            plain[key] = value["value"]
        elif isinstance(value, dict):
            plain[key] = unwrapped(value)
        elif isinstance(value, list):
            plain[key] = [unwrapped(row) for row in value if isinstance(row, dict)]
        else:
            plain[key] = value
    return plain


def _operation(entity: str, what: str) -> str:
    return f"{entity.lower()}.{what}"


class AcumaticaApi:
    def __init__(self, connection, *, lane: str = LIVE):
        self.connection = connection
        self.http = entity_client(connection, lane=lane)

    def _record(self, response, what: str) -> dict:
        return unwrapped(expect(json_of(response, LABEL, decimals=True), dict, LABEL, what))

    def pages(self, entity: str, *, filter: str = "", select: str = "", expand: str = "",
              top: int = PAGE) -> Iterator[list[dict]]:  # fmt: skip
        for number in range(MAX_PAGES):
            params = options(filter=filter, select=select, expand=expand, top=top,
                             skip=number * top or None)  # fmt: skip
            response = self.http.get(entity, operation=_operation(entity, "list"), params=params)
            rows = rows_of(json_of(response, LABEL, decimals=True), LABEL, f"GET {entity}")
            yield [unwrapped(row) for row in rows]
            if len(rows) < top:
                return
        raise UnreadableAnswer(
            f"Acumatica answered GET {entity} with more than {MAX_PAGES} pages, so the list "
            "cannot be read to its end."
        )

    def list(self, entity: str, **kwargs) -> list[dict]:
        return [row for page in self.pages(entity, **kwargs) for row in page]

    def first(self, entity: str, *, filter: str, select: str = "", expand: str = "") -> dict | None:
        page = next(self.pages(entity, filter=filter, select=select, expand=expand, top=2), [])
        return page[0] if page else None

    def get(self, entity: str, *keys: str, expand: str = "") -> dict | None:
        """By key fields (SalesOrder/SO/SO000123) or by id; None when it is not there."""
        path = "/".join([entity, *(str(k) for k in keys)])
        try:
            response = self.http.get(
                path, operation=_operation(entity, "get"), params=options(expand=expand)
            )
        except PermanentError as exc:
            if exc.status == 404:
                return None
            raise
        return self._record(response, f"GET {entity}")

    def put(self, entity: str, record: dict, *, create: bool = False, expand: str = "") -> dict:
        """Upsert (by id or key fields). `create`: insert only (If-None-Match: *, 412 when it
        exists), and never sent twice in place: a lost answer is looked up by the caller."""
        headers = {"If-None-Match": "*"} if create else {"If-Match": "*"} if "id" in record else {}
        response = self.http.put(
            entity, operation=_operation(entity, "create" if create else "update"),
            json=wrapped(record), params=options(expand=expand), headers=headers, creates=create,
            read_statuses=frozenset({422}),
        )  # fmt: skip
        if response.status_code == 422:
            with reading(LABEL, f"the refusal of PUT {entity}"):
                fields = field_errors(json_or_none(response))
            raise RecordRefused(error_message(response), status=422, fields=fields)
        return self._record(response, f"PUT {entity}")

    def action(self, entity: str, action: str, record: dict, parameters: dict | None = None):
        """Run an action on a record (keys or id) and wait for it: 204 done, 202 + Location
        polled every ACUMATICA_ACTION_POLL_SECONDS until 204, bounded."""
        body = {"entity": wrapped(record), "parameters": wrapped(parameters or {})}
        response = self.http.post(
            f"{entity}/{action}", operation=_operation(entity, action.lower()), json=body
        )
        if response.status_code != 202:
            return
        location = response.headers.get("Location")
        if not location:
            raise UnreadableAnswer(
                f"Acumatica answered {entity}/{action} with 202 but no Location to follow."
            )
        status_url = urljoin(self.http.base_url, location)
        wait, polls = settings.ACUMATICA_ACTION_POLL_SECONDS, settings.ACUMATICA_ACTION_POLLS
        for _ in range(polls):
            time.sleep(wait)
            polled = self.http.get(
                status_url, operation=_operation(entity, f"{action.lower()}.status")
            )
            if polled.status_code != 202:
                return
        raise TransientError(
            f"Acumatica was still running {action} on the {entity} after {wait * polls:.0f} s. "
            "ml-connector tries again later and looks up what it did before doing anything twice.",
            retry_after=30,
        )
