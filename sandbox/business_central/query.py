"""OData v4 query options as BC's API answers them, over sandbox/odata.py's filter engine:
$filter with v4 literals (date-times, dates and GUIDs UNQUOTED: `lastModifiedDateTime gt
2019-08-18T20:05:51.603Z`, `customerId eq 5d115c9c-…`; strings in single quotes; contains,
startswith, endswith), $select, $expand (a navigation property, its own options in
parentheses ignored), $orderby, $top, $skip, and server-driven paging: pages of at most the
environment's maximum (20,000) or `Prefer: odata.maxpagesize=N`, continued by @odata.nextLink
with a $skiptoken."""

import base64
import re
from urllib.parse import urlencode

from sandbox import odata
from sandbox.business_central.errors import bad_request

_V4_LITERAL = re.compile(
    r"""(?P<quoted>'(?:[^']|'')*')
    | (?<![\w'.-])(?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?![\w-])
    | (?<![\w'.-])(?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)(?![\w:.-])
    | (?<![\w'.-])(?P<date>\d{4}-\d{2}-\d{2})(?![\w:.-])""",
    re.VERBOSE,
)


def _typed(match: re.Match) -> str:
    kind = match.lastgroup
    value = match.group(kind)
    if kind == "quoted":
        return value
    prefix = {"guid": "guid", "datetime": "datetimeoffset", "date": "date"}[kind]
    return f"{prefix}'{value}'"


def compile_filter(text: str):
    """A predicate over entities (as the API shows them); BadRequest when it is no filter."""
    try:
        test = odata.compile_filter(_V4_LITERAL.sub(_typed, text))
    except odata.ODataError as exc:
        raise bad_request(f"Could not parse the filter: {exc}") from exc
    except RecursionError:
        raise bad_request("Could not parse the filter: it is nested too deeply.") from None

    def keep(entity) -> bool:
        try:
            return test(entity)
        except RecursionError:
            raise bad_request("Could not apply the filter: it is nested too deeply.") from None
        except odata.ODataError as exc:
            raise bad_request(f"Could not apply the filter: {exc}") from exc

    return keep


def names(text: str) -> list[str]:
    """The top-level names of $select/$expand: `a,b($select=c),d` → [a, b, d]."""
    found, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            found.append(current.strip())
            current = ""
            continue
        if depth == 0 and char not in "()":
            current += char
    if current.strip():
        found.append(current.strip())
    return found


def whole_numbers(params, *names_) -> list[int]:
    values = []
    for name in names_:
        raw = params.get(name)
        if raw is None:
            values.append(None)
            continue
        if not raw.isdigit():
            raise bad_request(f"Invalid value '{raw}' for the query option '{name}'.")
        values.append(int(raw))
    return values


def max_page_size(request, most: int) -> tuple[int, bool]:
    """(page size, whether the client's Prefer odata.maxpagesize was applied)."""
    for part in request.headers.get("Prefer", "").split(","):
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "odata.maxpagesize" and value.strip().isdigit():
            return max(1, min(int(value), most)), True
    return most, False


def skiptoken(offset: int) -> str:
    return base64.urlsafe_b64encode(f"sbx:{offset}".encode()).decode()


def offset_of(token: str | None) -> int:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        offset = int(text.removeprefix("sbx:"))
    except (ValueError, UnicodeDecodeError):
        offset = -1
    if offset < 0:
        raise bad_request("The skip token is not valid.")
    return offset


def next_link(request, offset: int) -> str:
    params = {name: value for name, value in request.GET.items() if name != "$skiptoken"}
    params["$skiptoken"] = skiptoken(offset)
    return request.build_absolute_uri(request.path) + "?" + urlencode(params, safe="$'(),")
