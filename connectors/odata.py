"""Reading OData collections on the audited client: the query options ($select, $filter, $top,
$orderby), and a list's pages followed through the vendor's next-page link until there is none.

Vendors differ only in where a page keeps its rows and its next link (`PageShape`): MYOB
`{"Items", "NextPageLink"}`, Exact Online (OData v2) `{"d": {"results", "__next"}}`, and OData v4
(Business Central, Acumatica) `{"value", "@odata.nextLink"}`. A page that is not of its shape, or
a next link that is not a new address, is an UnreadableAnswer: a list read to its end or an error,
never a silently short list or an endless loop.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from connectors.answers import expect, json_of, rows_of
from connectors.errors import UnreadableAnswer
from connectors.http import ApiClient

# More pages than any list we read has (MYOB gives 1,000 rows a page, Exact 60 or 1,000): a vendor
# handing out new next links forever ends here.
MAX_PAGES = 10_000


@dataclass(frozen=True)
class PageShape:
    label: str  # the vendor, as errors name it
    rows: str  # the key of a page's records
    next_link: str  # the key of the next page's address (absent or null on the last page)
    envelope: str = ""  # the key every answer is wrapped in ("d" in OData v2's verbose JSON)


def options(**values) -> dict:
    """The query options given, in the order given, each as `$name`; blank ones left out."""
    return {f"${name}": value for name, value in values.items() if value not in ("", None)}


def quoted(value) -> str:
    """An OData string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def operation_of(resource: str) -> str:
    """ "Sale/Invoice/Item" → "sale.invoice.item": how the audit log names calls to it."""
    return resource.replace("/", ".").lower()


class ODataClient:
    def __init__(self, http: ApiClient, shape: PageShape, *, max_pages: int = MAX_PAGES):
        self.http = http
        self.shape = shape
        self.max_pages = max_pages

    def answer(self, response) -> dict:
        """The answer's object (inside the envelope), amounts as Decimal."""
        label, what = self.shape.label, f"{response.request.method} {response.url}"
        body = expect(json_of(response, label, decimals=True), dict, label, what)
        if envelope := self.shape.envelope:
            body = expect(body.get(envelope), dict, label, f"{what} ({envelope})")
        return body

    def rows(self, response) -> list[dict]:
        """The records of one page."""
        return self._rows(self.answer(response), f"{response.request.method} {response.url}")

    def _rows(self, page: dict, what: str) -> list[dict]:
        # A page without the key has no rows; a null or any other value is malformed.
        rows = page.get(self.shape.rows, [])
        return rows_of(rows, self.shape.label, f"{what} ({self.shape.rows})")

    def pages(self, resource: str, params: dict, *, operation: str = "") -> Iterator[list[dict]]:
        """Each page's records, following the next links (which carry the query themselves)."""
        url, operation, seen, read = (
            resource,
            operation or f"{operation_of(resource)}.list",
            set(),
            0,
        )
        while url:
            if read == self.max_pages:
                raise UnreadableAnswer(
                    f"{self.shape.label} answered GET {resource} with more than {self.max_pages} "
                    "pages, so the list cannot be read to its end."
                )
            seen.add(url)
            read += 1
            response = self.http.get(url, operation=operation, params=params)
            page = self.answer(response)
            yield self._rows(page, f"GET {resource}")
            url, params = page.get(self.shape.next_link), None
            if url is not None and (not isinstance(url, str) or url in seen):
                raise UnreadableAnswer(
                    f"{self.shape.label} answered GET {resource} with a {self.shape.next_link} "
                    f"({url!r:.100}) that is not a new page's address, so the list cannot be read "
                    "to its end."
                )

    def list(self, resource: str, params: dict) -> list[dict]:
        return [row for page in self.pages(resource, params) for row in page]
