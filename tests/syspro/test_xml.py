"""SYSPRO's XML and the client's reading of its answers: pure functions, no HTTP, no database."""

import contextlib
from types import SimpleNamespace

import pytest
import requests

from connectors.errors import PermanentError, ReconnectRequired, TransientError, UnreadableAnswer
from connectors.http import FAIL, RETRY, SUCCESS
from connectors.syspro import xml
from connectors.syspro.client import RULES, error_message, is_session_gone, refusal, server_url
from connectors.syspro.session import logon_refused, session_id_of
from tests.support.hostile_answers import NOT_JSON

# The recorded INVSWS refusal (lower-cased root, the error inside the field), with a cp1252 byte.
INVSWS_ERROR = (
    b'<?xml version="1.0" encoding="Windows-1252"?>\n<setupinvwarehouse Language=\'05\' '
    b"Language2='EN' Version='7.0.026'>\n<item><key><stockcode>1004</stockcode></key>"
    b"<stockcode><Value>1004</Value><ErrorNumber>240004</ErrorNumber>"
    b"<ErrorDescription>Stock code '1004' not found \x96 caf\xe9</ErrorDescription></stockcode>"
    b"</item><StatusOfItems><RecordsRead>1</RecordsRead><RecordsInvalid>1</RecordsInvalid>"
    b"</StatusOfItems></setupinvwarehouse>"
)


def test_answers_are_read_as_windows_1252_without_case_and_errors_name_their_field():
    root = xml.parse(INVSWS_ERROR)
    assert xml.name(root) == "setupinvwarehouse"
    assert xml.text(root, "STATUSOFITEMS", "recordsinvalid") == "1"
    assert xml.text(root, "StatusOfItems", "Missing", default="?") == "?"
    assert xml.first(root, "Item", "Nothing", "Deeper") is None
    assert [xml.text(e) for e in xml.all_of(root, "StockCode")] == ["1004", ""]
    assert xml.errors(root) == ["stockcode '1004': Stock code '1004' not found \u2013 caf\u00e9"]


def test_an_answer_quoted_as_json_or_wrapped_in_a_string_element_is_unwrapped():
    inner = "<SorDetail><SalesOrder>000123</SalesOrder></SorDetail>"
    quoted = '"' + inner.replace('"', '\\"') + '"'
    assert xml.text(xml.parse(quoted), "salesorder") == "000123"
    wrapped = (
        '<string xmlns="http://schemas.microsoft.com/2003/10/Serialization/">'
        + inner.replace("<", "&lt;").replace(">", "&gt;")
        + "</string>"
    )
    assert xml.text(xml.parse(wrapped.encode()), "SalesOrder") == "000123"


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b"<x>&b;</x>"
)
EXTERNAL = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'


REFUSED = {
    "an entity bomb": BOMB,
    "an external entity": EXTERNAL,
    "nesting without end": b"<a>" * 100_000,
    "a body over the size cap": b"<x>" + b"a" * 6_000_000 + b"</x>",
    "a cut-off JSON string": b'"<x>cut',
    "an empty body": b"",
    "binary": b"\x00\x01\x02\xff\xfe",
}


@pytest.mark.parametrize("body", REFUSED.values(), ids=REFUSED.keys())
def test_a_hostile_or_huge_answer_is_refused_as_a_plain_unreadable_answer(body):
    with pytest.raises(UnreadableAnswer, match=r"^SYSPRO answered with something that is not"):
        xml.parse(body)


@pytest.mark.parametrize("body", NOT_JSON)
def test_any_malformed_answer_is_read_or_refused_plainly_never_a_crash(body):
    with contextlib.suppress(UnreadableAnswer):
        xml.parse(body)


def test_documents_are_built_escaped_with_attributes_repeats_and_yes_no():
    built = xml.build(
        "Query",
        {
            "Key": {"StockCode": "A&B <1>"},
            "Option": {"IncludeWarehouses": True, "Empty": None, "Bad": "x\x00\x1fy"},
            "Filter": {"Warehouse": {"@FilterType": "L", "@FilterValue": 'W"1'}},
            "Lines": [("Line", "1"), ("Line", "2")],
        },
    )
    assert built.startswith('<?xml version="1.0" encoding="Windows-1252"?><Query>')
    assert "<StockCode>A&amp;B &lt;1&gt;</StockCode>" in built
    assert "<IncludeWarehouses>Y</IncludeWarehouses><Empty/><Bad>xy</Bad>" in built
    assert '<Warehouse FilterType="L" FilterValue=\'W"1\'/>' in built
    root = xml.parse(built)
    assert [xml.text(line) for line in xml.all_of(root, "line")] == ["1", "2"]


def _response(body: bytes, status: int = 200) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content = status, body
    response.headers["Content-Type"] = "application/octet-stream"
    return response


def test_an_error_body_with_http_200_is_a_failure_carrying_syspros_words():
    assert RULES.classify(_response(b"ERROR: Invalid operator password")) == FAIL
    assert RULES.classify(_response(b"3EA613166FE4BF47925DF1CEA14E910100  ")) == SUCCESS
    assert RULES.classify(_response(b"<x/>", 503)) == RETRY
    message = error_message(_response(b"ERROR: Invalid operator password"))
    assert refusal(PermanentError(message, status=200)) == "ERROR: Invalid operator password"
    assert refusal(PermanentError(error_message(_response(b"no", 404)), status=404)) is None
    assert is_session_gone("ERROR: Invalid UserId: the session has expired or was ended")
    assert is_session_gone("ERROR: SESSION not found")
    assert not is_session_gone("ERROR: Invalid operator password")


CONNECTION = SimpleNamespace(erp_settings={"operator": "MLC", "company_id": "EDU1"})


@pytest.mark.parametrize(
    ("reason", "kind", "names"),
    [
        ("ERROR: Invalid operator password", ReconnectRequired, "password of operator MLC"),
        ("ERROR: Invalid company password", ReconnectRequired, "company EDU1"),
        ("ERROR: Operator 'MLC' not found", ReconnectRequired, "operator MLC"),
        ("ERROR: Company 'EDU1' not found", ReconnectRequired, "company EDU1"),
        ("ERROR: Licence limit reached: all 3 e.net seats of company EDU1 are in use",
         TransientError, "no free e.net licence"),
    ],
)  # fmt: skip
def test_a_refused_logon_says_which_part_and_a_seat_limit_is_waited_out(reason, kind, names):
    error = logon_refused(reason, CONNECTION)
    assert type(error) is kind and names in error.message and reason in error.message
    assert (error.retry_after or 0) >= 60 if kind is TransientError else True


def test_the_session_id_keeps_its_two_spaces_and_a_page_is_not_taken_for_one():
    assert session_id_of(_response(b"3EA613166FE4BF47925DF1CEA14E910100  ")).endswith("00  ")
    assert session_id_of(_response(b'"3EA613166FE4BF47925DF1CEA14E910100"')) == (
        "3EA613166FE4BF47925DF1CEA14E910100"
    )
    with pytest.raises(UnreadableAnswer, match="not a SYSPRO session id"):
        session_id_of(_response(b"<html>IIS</html>"))


def test_a_plain_http_server_url_is_refused_outside_demo_mode(settings):
    connection = SimpleNamespace(erp_settings={"server_url": "http://syspro.example.com:90/Rest"})
    settings.DEMO_MODE = True
    assert server_url(connection) == "http://syspro.example.com:90/Rest"
    settings.DEMO_MODE = False
    with pytest.raises(PermanentError, match="is not https"):
        server_url(connection)
    connection.erp_settings["server_url"] = "https://syspro.example.com:40001/Rest/"
    assert server_url(connection) == "https://syspro.example.com:40001/Rest"
