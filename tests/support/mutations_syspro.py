"""The SYSPRO transport: its XML, its client's rules, its sessions and its check. Each breakage
is one claim the tests in tests/syspro/ make (test_xml, test_session*, test_check).

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

XML = "tests/syspro/test_xml.py"
XML_PY = "connectors/syspro/xml.py"
CLIENT_PY = "connectors/syspro/client.py"
SESSION_PY = "connectors/syspro/session.py"
API_PY = "connectors/syspro/api.py"
CONNECTOR_PY = "connectors/syspro/connector.py"
SESSION = "tests/syspro/test_session.py"
CYCLE = f"{SESSION}::test_a_cycle_shares_one_session_logs_on_again_once_and_the_last_one_logs_off"
REFUSED = (
    f"{SESSION}::test_a_refused_logon_needs_reconnecting_with_syspros_reason_and_a_seat_limit_waits"
)
FENCED = f"{SESSION}::test_a_write_is_a_get_fenced_by_the_jobs_lease"
CHECK = "tests/syspro/test_check.py"
WORKER_CYCLE = "tests/syspro/test_session_cycle.py"
EMBEDDED = {"TEST_BACKEND": "embedded"}

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
        path=CLIENT_PY,
        find="    return body if SESSION_ID.match(body) else None\n",
        replace="    return body.strip() if SESSION_ID.match(body) else None\n",
        tests=(XML,),
    ),
    Mutation(
        name="syspro-no-relogon",
        claim="a session SYSPRO ended is logged on again and the call repeated, nothing lost",
        path=API_PY,
        find="                session_id = self.session.relogon(stale=session_id)\n",
        replace="                break\n",
        tests=(CYCLE,),
    ),
    Mutation(
        name="syspro-relogon-loop",
        claim="a session ended again right after the one Logon again is a wait, not a loop",
        path=API_PY,
        find="                if last_try:\n",
        replace="                if False:\n",
        tests=(CYCLE,),
    ),
    Mutation(
        name="syspro-relogon-by-every-job",
        claim="a job that finds the session already replaced by another uses it, no second Logon",
        path=SESSION_PY,
        find="            if row.session_id and row.session_id != stale:\n",
        replace="            if False:\n",
        tests=(CYCLE,),
    ),
    Mutation(
        name="syspro-logoff-mid-cycle",
        claim="while more of the connection's jobs are due the session stays for them",
        path=SESSION_PY,
        find="        if more_jobs_due(self.connection):\n            return\n",
        replace="",
        tests=(CYCLE,),
    ),
    Mutation(
        name="syspro-no-logoff",
        claim="the last job of a cycle logs off",
        path=SESSION_PY,
        find="            logoff(self.http, row.session_id)\n",
        replace="",
        tests=(CYCLE,),
    ),
    Mutation(
        name="syspro-turn-holds-sqlite",
        claim="on SQLite the Logon turn holds no database transaction while SYSPRO answers",
        path="connectors/auth.py",
        find='    if db_connection.vendor != "sqlite":\n',
        replace="    if True:\n",
        tests=(CYCLE,),
        env=EMBEDDED,
    ),
    Mutation(
        name="syspro-no-sweep",
        claim="sessions a dead worker left open are logged off by the periodic sweep",
        path="connectors/syspro/tasks.py",
        find="    return sessions_sweep(lease_length())\n",
        replace="    return 0\n",
        tests=(CYCLE,),
    ),
    Mutation(
        name="syspro-session-id-audited",
        claim="the session id Logon answers is never stored in the API call log",
        path="connectors/http.py",
        find="                register_secrets(self.rules.answer_secrets(response))\n",
        replace="                pass\n",
        tests=(CYCLE,),
    ),
    Mutation(
        name="syspro-refused-logon-keeps-going",
        claim="a Logon SYSPRO refuses (password, operator, company) stops the connection's calls",
        path=SESSION_PY,
        find="        connection_needs_reconnect(connection_id=self.connection.pk, "
        "message=failure.message)\n",
        replace="",
        tests=(REFUSED,),
    ),
    Mutation(
        name="syspro-write-unfenced",
        claim="a SYSPRO write (a GET) is not sent by a run that lost its job's lease",
        path="connectors/http.py",
        find="        if lease is not None and (writes or method.upper() not in SAFE_METHODS):\n",
        replace="        if lease is not None and method.upper() not in SAFE_METHODS:\n",
        tests=(FENCED,),
    ),
    Mutation(
        name="syspro-check-stops-connection",
        claim="a failed check says what failed and does not stop the connection",
        path=SESSION_PY,
        find="                if not self.stops_connection:\n                    raise\n",
        replace="",
        tests=(CHECK,),
    ),
    Mutation(
        name="syspro-check-no-revive",
        claim="a check that logs on revives a connection that needed reconnecting",
        path=CONNECTOR_PY,
        find="        revived(self.connection)\n",
        replace="",
        tests=(CHECK,),
    ),
    Mutation(
        name="syspro-check-stays-logged-on",
        claim="the check logs off after reading the profile",
        path=CONNECTOR_PY,
        find="            self.close()  # logs off unless",
        replace="            pass  # logs off unless",
        tests=(CHECK,),
    ),
    Mutation(
        name="syspro-logon-per-job",
        claim="the jobs of a cycle, run by a real worker, share one session: one Logon, one Logoff",
        path=SESSION_PY,
        find="        if row is not None and row.session_id:\n",
        replace="        if False:\n",
        tests=(WORKER_CYCLE,),
    ),
]
