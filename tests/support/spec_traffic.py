"""What the audited client sends, checked against BigCommerce's OpenAPI files: a response hook on
the client's pooled session (connectors/http.py) records each request with its answer, and
`check` validates every request (and answer) against the file that defines its path."""

import functools
import re

from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from connectors.http import _session
from tests.sandbox.test_bigcommerce_spec import spec_for

# Which official file defines a path (after /stores/{hash}/vN/). None: no file in ../shared
# (locations.v3.yml is not there), so nothing to check against.
FILES = [
    (r"catalog/products/\d+/variants", "product-variants_catalog.v3.yml"),
    (r"catalog/variants", "product-variants_catalog.v3.yml"),
    (r"catalog/products", "products_catalog.v3.yml"),
    (r"inventory/locations$", None),
    (r"inventory/", "inventory.v3.yml"),
    (r"orders/count", "orders.v2.oas2.yml"),
]
ADDRESS = re.compile(r"^(?P<base>.*/stores/[^/]+)/(?P<version>v[23])/(?P<path>[^?]*)")


@functools.lru_cache(maxsize=16)
def _openapi(name: str, base: str, version: str):
    return spec_for(name, base, version)


class SpecTraffic:
    def __init__(self):
        self.exchanges = []
        self.checked = 0

    def _record(self, response, *args, **kwargs):
        self.exchanges.append(response)

    def __enter__(self):
        _session().hooks["response"].append(self._record)
        return self

    def __exit__(self, *exc):
        _session().hooks["response"].remove(self._record)

    def invalid(self, *, answers: bool = True) -> list[str]:
        """Each recorded request (and its answer) the official files reject, with the reason."""
        found = []
        for response in self.exchanges:
            match = ADDRESS.match(response.request.url)
            assert match, response.request.url
            name = next(f for pattern, f in FILES if re.match(pattern, match["path"]))
            if name is None:
                continue
            openapi = _openapi(name, match["base"], match["version"])
            request = RequestsOpenAPIRequest(response.request)
            self.checked += 1
            try:
                openapi.validate_request(request)
                if answers:
                    openapi.validate_response(request, RequestsOpenAPIResponse(response))
            except Exception as exc:  # any validation error: reported with its request
                cause = exc.__cause__ or exc
                found.append(f"{response.request.method} {response.request.url}: {cause!r}"[:600])
        return found
