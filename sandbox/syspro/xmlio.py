"""Reading the XML a client sends (defusedxml: no entities, no DTDs; element names compared
case-insensitively, as SYSPRO's own answers change their case) and writing SYSPRO's answers:
declared Windows-1252, encoded cp1252, the root carrying the attributes SYSPRO puts there."""

from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

DECLARATION = '<?xml version="1.0" encoding="Windows-1252"?>\n'
# As recorded (Version differs per release; a SYSPRO 8 one here, UNCONFIRMED).
ROOT_ATTRIBUTES = {"Language": "05", "Language2": "EN", "CssStyle": "", "DecFormat": "1",
                   "DateFormat": "01", "Role": "01", "Version": "8.0.004",
                   "OperatorPrimaryRole": "   "}  # fmt: skip
MAX_XML = 1_000_000


class BadXml(ValueError):
    """The XML sent is missing, malformed or hostile; the message is SYSPRO-style text."""


def parse(text: str, what: str) -> Element:
    if not text or not text.strip():
        raise BadXml(f"The {what} document is empty")
    if len(text) > MAX_XML:
        raise BadXml(f"The {what} document is too large")
    try:
        return fromstring(text.strip())
    except ParseError as error:
        raise BadXml(f"The {what} document is not well formed XML: {error}") from None
    except (DefusedXmlException, ValueError) as error:
        raise BadXml(f"The {what} document is not accepted: {type(error).__name__}") from None


def _name(element) -> str:
    return element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""


def child(element, *path) -> Element | None:
    """The first child along `path`, names compared case-insensitively."""
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if _name(c) == name.lower()), None)
    return element


def children(element, name: str) -> list[Element]:
    return [c for c in element if _name(c) == name.lower()] if element is not None else []


def text(element, *path, default: str = "") -> str:
    found = child(element, *path) if path else element
    if found is None or found.text is None:
        return default
    return found.text.strip()


def fields(element) -> dict[str, str]:
    """{lower-case name: stripped text} of an element's leaf children ({} for no element)."""
    if element is None:
        return {}
    return {_name(c): (c.text or "").strip() for c in element if len(c) == 0}


def root(name: str, *, attributes: bool = True) -> Element:
    return Element(name, ROOT_ATTRIBUTES if attributes else {})


def add(parent: Element, name: str, value=None) -> Element:
    element = SubElement(parent, name)
    if value is not None:
        element.text = str(value)
    return element


def field_error(parent: Element, field: str, value: str, number: int, description: str):
    """SYSPRO's error on one field (recorded INVSWS shape): <field><Value/><ErrorNumber/>
    <ErrorDescription/></field>."""
    holder = add(parent, field)
    add(holder, "Value", value)
    add(holder, "ErrorNumber", number)
    add(holder, "ErrorDescription", description)


def document(element: Element) -> bytes:
    """The answer's bytes: the declaration, the XML with a newline after each element (as
    recorded), a trailing "\\n " (also recorded), cp1252 (characters outside it as references)."""
    _newlines(element)
    body = tostring(element, encoding="unicode", short_empty_elements=True)
    return (DECLARATION + body + "\n ").encode("cp1252", errors="xmlcharrefreplace")


def _newlines(element: Element) -> None:
    if len(element):
        element.text = "\n"
        for item in element:
            _newlines(item)
            item.tail = "\n"
