"""The SYSPRO transport: its XML, its client's rules, its sessions and its check. Each breakage
is one claim the tests in tests/syspro/ make (test_xml, test_session*, test_check).

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

XML = "tests/syspro/test_xml.py"
XML_PY = "connectors/syspro/xml.py"
CLIENT_PY = "connectors/syspro/client.py"
SESSION_PY = "connectors/syspro/session.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="syspro-xml-case-sensitive",
        claim="SYSPRO's answers are read without regard to the case of their element names",
        path=XML_PY,
        find="        wanted = step.lower()\n",
        replace="        wanted = step\n",
        tests=(XML,),
    ),
    Mutation(
        name="syspro-xml-entities-expanded",
        claim="an answer with a DTD or entities (a bomb, an external file) is refused, not expanded",
        path=XML_PY,
        find="from defusedxml.ElementTree import fromstring\n",
        replace="from xml.etree.ElementTree import fromstring\n",
        tests=(XML,),
    ),
    Mutation(
        name="syspro-xml-no-size-cap",
        claim="an answer over the size cap is refused before it is parsed",
        path=XML_PY,
        find="    if len(body) > MAX_ANSWER_BYTES:\n",
        replace="    if False:\n",
        tests=(XML,),
    ),
    Mutation(
        name="syspro-xml-unescaped",
        claim="text written into SYSPRO's XML is escaped",
        path=XML_PY,
        find="    content = escape(_value(value))\n",
        replace="    content = _value(value)\n",
        tests=(XML,),
    ),
    Mutation(
        name="syspro-error-body-is-success",
        claim="an ERROR: body answered with HTTP 200 is a failure carrying SYSPRO's words",
        path=CLIENT_PY,
        find="        if response.status_code < 400 and is_refusal(_body(response)):\n"
        "            return FAIL\n",
        replace="        if False:\n            return FAIL\n",
        tests=(XML,),
    ),
    Mutation(
        name="syspro-session-gone-case",
        claim="a refusal naming the session or the UserId in any case is 'session gone'",
        path=CLIENT_PY,
        find='    lowered = reason.lower()\n    return "userid"',
        replace='    lowered = reason\n    return "userid"',
        tests=(XML,),
    ),
    Mutation(
        name="syspro-seat-limit-reconnects",
        claim="a Logon refused for want of a licence seat is waited out, not a reconnect",
        path=SESSION_PY,
        find='    if "licen" in lowered or "seat" in lowered:\n',
        replace="    if False:\n",
        tests=(XML,),
    ),
    Mutation(
        name="syspro-plain-http-allowed",
        claim="a plain http server URL is refused outside demo mode, before any call",
        path=CLIENT_PY,
        find='    if parts.scheme != "https" and not settings.DEMO_MODE:\n',
        replace="    if False:\n",
        tests=(XML,),
    ),
    Mutation(
        name="syspro-session-id-stripped",
        claim="the session id is sent back as SYSPRO gave it, with its two trailing spaces",
        path=SESSION_PY,
        find='(…/SYSPROWCFService/Rest)."\n        )\n    return body\n',
        replace='(…/SYSPROWCFService/Rest)."\n        )\n    return body.strip()\n',
        tests=(XML,),
    ),
]
