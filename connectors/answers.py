"""Reading a vendor's answer: whatever comes back — a proxy's HTML page, a cut-off body, JSON of
the wrong shape, a field missing or of the wrong type, an absurd number — becomes a plain error
that names the system and what was wrong, never a crash ("Internal error (KeyError)").

- `json_of`: the body's JSON, or a TransientError (a non-JSON answer is usually a passing fault).
- `expect` / `rows_of`: the JSON is of the documented type, or an UnreadableAnswer.
- `reading`: around code that interprets an answer's fields, the errors such code raises on a
  missing key or a wrong type become an UnreadableAnswer.
"""

import contextlib
import re
from decimal import Decimal

from django.db import DataError

from audit.storable import storable
from connectors.errors import TransientError, UnreadableAnswer

# What interpreting a malformed answer raises: a missing key or index, a wrong type, a value
# that does not parse (ValueError, decimal's InvalidOperation, OverflowError), nesting deeper
# than Python recurses, a value too long for the column that keeps it (DataError).
READING_ERRORS = (KeyError, IndexError, TypeError, AttributeError, ValueError, ArithmeticError,
                  RecursionError, DataError)  # fmt: skip
SNIPPET = 120
# How JSON spells U+0000 and surrogates (audit/storable.py): a body without one needs no cleaning.
UNSTORABLE_ESCAPE = re.compile(rb"\\u(0000|[dD][89a-fA-F])")


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _parsed(response, parse_float):
    value = response.json(parse_float=parse_float, parse_constant=_no_constant)
    return storable(value) if UNSTORABLE_ESCAPE.search(response.content) else value


def json_or_none(response):
    """The body's JSON, or None when it is not JSON (for reading error answers)."""
    try:
        return _parsed(response, float)
    except (ValueError, RecursionError):
        return None


def json_of(response, label: str, *, decimals: bool = False):
    """The body's JSON; numbers with a fraction as Decimal when `decimals`. U+0000 and unpaired
    surrogates in its text become U+FFFD."""
    try:
        return _parsed(response, Decimal if decimals else float)
    except (ValueError, RecursionError) as exc:
        kind = response.headers.get("Content-Type") or "no content type"
        snippet = response.content[:SNIPPET].decode("utf-8", "replace")
        raise TransientError(
            f"{label} answered HTTP {response.status_code} with a body that is not JSON ({kind}, "
            f"{len(response.content)} bytes: {snippet!r}). This is usually a passing fault at "
            f"{label}; ml-connector tries again, and the answer is kept in the API call log."
        ) from exc


def describe(value) -> str:
    if value is None:
        return "null"
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false"}
    return names.get(type(value), "a number")


def _advice(label: str) -> str:
    return (
        f" The answer is kept in the API call log; try again later, and ask {label}'s support "
        "if it persists."
    )


def expect(value, kind: type, label: str, what: str):
    """`value` when it is a `kind` (dict or list), else an UnreadableAnswer saying what came."""
    if isinstance(value, kind):
        return value
    raise UnreadableAnswer(
        f"{label} answered {what} with {describe(value)} where {describe(kind())} was expected."
        + _advice(label)
    )


def rows_of(value, label: str, what: str) -> list[dict]:
    """A list of objects (a page of records)."""
    rows = expect(value, list, label, what)
    for row in rows:
        expect(row, dict, label, f"a record of {what}")
    return rows


@contextlib.contextmanager
def reading(label: str, what: str):
    """Interpret an answer's fields; a missing or malformed one becomes an UnreadableAnswer."""
    try:
        yield
    except READING_ERRORS as exc:
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise UnreadableAnswer(
            f"{label} answered {what} in a form ml-connector cannot read ({detail[:200]})."
            + _advice(label)
        ) from exc
