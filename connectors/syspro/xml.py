"""SYSPRO's XML, read and written.

Reading: e.net answers are XML declared `encoding="Windows-1252"` (recorded), sometimes wrapped in a
JSON string or a `<string>` element by SYSPRO 8's WCF binding (third-party client code; which
installs do that: UNCONFIRMED). Element case differs between request and answer (`SalesOrder` in,
`salesorder` out; `<setuparcustomer>` for `<SetupArCustomer>`), so every name is compared without
case and without namespace. Parsed with defusedxml (no DTD, no entity expansion); anything that is
not one well-formed document of a sane size is an UnreadableAnswer naming SYSPRO.

Writing: `build` makes a document from nested dicts/lists, escaped, with the Windows-1252
declaration SYSPRO's own samples carry. Characters XML 1.0 cannot hold (control characters) are
dropped rather than sent.
"""

import json
import re
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from connectors.errors import UnreadableAnswer

LABEL = "SYSPRO"
# Larger than any answer the connector asks for (a COMFND page of 100 rows is a few tens of kB):
# a bigger body is not read.
MAX_ANSWER_BYTES = 5_000_000
DECLARATION = '<?xml version="1.0" encoding="Windows-1252"?>'
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# What XML 1.0 cannot carry (C0 controls but tab, LF, CR; surrogates; U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _unreadable(why: str) -> UnreadableAnswer:
    return UnreadableAnswer(
        f"SYSPRO answered with something that is not the XML document ml-connector expects "
        f"({why}). The answer is kept in the API call log; try again later, and ask your SYSPRO "
        "partner if it persists."
    )


def decoded(body: bytes | str) -> str:
    """The answer as text: Windows-1252 (as declared); its five undefined bytes become U+FFFD."""
    if len(body) > MAX_ANSWER_BYTES:
        raise _unreadable(f"{len(body):,} bytes, more than the {MAX_ANSWER_BYTES:,} accepted")
    return body.decode("cp1252", errors="replace") if isinstance(body, bytes) else body


def _unwrapped(text: str) -> str:
    """The XML inside a JSON string (some SYSPRO 8 REST bindings quote their answer)."""
    stripped = text.strip()
    if stripped.startswith('"'):
        try:
            inner = json.loads(stripped)
        except (ValueError, RecursionError):
            raise _unreadable("a quoted answer that is not a JSON string") from None
        if isinstance(inner, str):
            return inner
    return text


def parse(body: bytes | str) -> Element:
    """The answer's root element (or the document inside a `<string>` wrapper)."""
    text = _unwrapped(decoded(body))
    root = _parsed(text)
    if name(root) == "string" and len(root) == 0 and (root.text or "").lstrip().startswith("<"):
        root = _parsed(root.text)  # the WCF binding's <string>escaped XML</string>
    return root


def _parsed(text: str) -> Element:
    # The declaration names an encoding the text no longer has (it is decoded already).
    text = _DECLARATION.sub("", text, count=1).strip()
    if not text.startswith("<"):
        raise _unreadable(f"it starts with {text[:60]!r}" if text else "an empty answer")
    try:
        return fromstring(text)
    except (ParseError, DefusedXmlException, ValueError, RecursionError) as exc:
        raise _unreadable(f"{type(exc).__name__}: {str(exc)[:120]}") from exc


def name(element: Element) -> str:
    """The element's name, lower case, without its namespace."""
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()


def first(element: Element | None, *path: str) -> Element | None:
    """The first child at `path` (names compared without case), or None."""
    for step in path:
        if element is None:
            return None
        wanted = step.lower()
        element = next((child for child in element if name(child) == wanted), None)
    return element


def text(element: Element | None, *path: str, default: str = "") -> str:
    """The stripped text at `path`; `default` when the element is missing."""
    found = first(element, *path)
    if found is None:
        return default
    return (found.text or "").strip()


def all_of(element: Element, wanted: str) -> list[Element]:
    """Every descendant named `wanted` (without case), in document order."""
    wanted = wanted.lower()
    return [child for child in element.iter() if child is not element and name(child) == wanted]


def errors(element: Element) -> list[str]:
    """Every ErrorDescription in the answer, with the field it is about when SYSPRO nests it in
    one (`<stockcode><Value>1004</Value><ErrorNumber>…</ErrorNumber><ErrorDescription>…`)."""
    found = []
    for parent in element.iter():
        for child in parent:
            if name(child) != "errordescription" or not (child.text or "").strip():
                continue
            message = child.text.strip()
            if first(parent, "Value") is not None:
                value = text(parent, "Value")
                field = parent.tag.rsplit("}", 1)[-1]
                message = f"{field} {value!r}: {message}" if value else f"{field}: {message}"
            found.append(message)
    return found


def _value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, Decimal):
        return format(value, "f")
    return _NOT_XML.sub("", str(value))


def _children(children) -> list[tuple[str, object]]:
    if isinstance(children, dict):
        return list(children.items())
    return list(children)


def _element(tag: str, value) -> str:
    if isinstance(value, dict | list | tuple):
        pairs = _children(value)
        attributes = "".join(
            f" {key[1:]}={quoteattr(_value(inner))}" for key, inner in pairs if key.startswith("@")
        )
        inside = "".join(_element(key, inner) for key, inner in pairs if not key.startswith("@"))
        return f"<{tag}{attributes}>{inside}</{tag}>" if inside else f"<{tag}{attributes}/>"
    content = escape(_value(value))
    return f"<{tag}>{content}</{tag}>" if content else f"<{tag}/>"


def build(root: str, children: dict | list) -> str:
    """An XML document: `children` maps names to text (None: empty), to nested dicts, or is a
    list of (name, value) pairs where a name repeats (order lines). Keys starting with `@` are
    the element's attributes (`{"@FilterType": "L"}`). Booleans are SYSPRO's Y/N."""
    return DECLARATION + _element(root, children)
