"""The sandbox SYSPRO's claims: the session id's shape, ERROR: answers to a bad logon, one
session per operator, the seat limit, the idle timeout, SORTOI's stock code check, SORTIC's
status move.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

WIRE = "tests/syspro/test_sandbox_wire.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="syspro-sandbox-session-id-32",
        claim="a session id is 34 upper-case hex characters (answered with two spaces)",
        path="sandbox/syspro/sessions.py",
        find='    return secrets.token_hex(16).upper() + "00"\n',
        replace="    return secrets.token_hex(16).upper()\n",
        tests=(f"{WIRE}::test_logon_logoff_and_errors_as_recorded",),
    ),
    Mutation(
        name="syspro-sandbox-any-operator-password",
        claim="a wrong operator password is answered `ERROR: Invalid operator password` (HTTP 200)",
        path="sandbox/syspro/sessions.py",
        find="        if not _same(operator_password, operator.password):\n",
        replace="        if False:\n",
        tests=(f"{WIRE}::test_logon_logoff_and_errors_as_recorded",),
    ),
    Mutation(
        name="syspro-sandbox-any-stock-code",
        claim="SORTOI refuses a line whose StockCode SYSPRO lacks, naming it",
        path="sandbox/syspro/orders.py",
        find="        if stock is None:\n            outcome.errors.append(",
        replace="        if False:\n            outcome.errors.append(",
        tests=(f"{WIRE}::test_comfnd_arsscs_sortoi_and_sortic",),
    ),
    Mutation(
        name="syspro-sandbox-sortic-leaves-status-8",
        claim="SORTIC moves a billing order from status 8 to 9 (and not twice)",
        path="sandbox/syspro/invoicing.py",
        find='    order.order_status, order.last_invoice = "9", invoice\n',
        replace="    order.last_invoice = invoice\n",
        tests=(f"{WIRE}::test_comfnd_arsscs_sortoi_and_sortic",),
    ),
]

SESSIONS = "tests/syspro/test_sandbox_sessions.py"
MUTATIONS += [
    Mutation(
        name="syspro-sandbox-two-sessions-per-operator",
        claim="a second Logon of an operator ends that operator's earlier session",
        path="sandbox/syspro/sessions.py",
        find='        end(SysproSession.objects.filter(operator=operator), "another logon of the operator")\n',
        replace="",
        tests=(f"{SESSIONS}::test_one_session_per_operator_seats_and_idle_timeout",),
    ),
    Mutation(
        name="syspro-sandbox-no-seat-limit",
        claim="a Logon beyond the company's e.net seats is refused with an ERROR: answer",
        path="sandbox/syspro/sessions.py",
        find="        if live(company).count() >= company.seats:\n",
        replace="        if False:\n",
        tests=(f"{SESSIONS}::test_one_session_per_operator_seats_and_idle_timeout",),
    ),
    Mutation(
        name="syspro-sandbox-no-idle-timeout",
        claim="a session idle past the company's timeout is gone",
        path="sandbox/syspro/sessions.py",
        find="    if session.last_used < now - idle:\n",
        replace="    if False:\n",
        tests=(f"{SESSIONS}::test_one_session_per_operator_seats_and_idle_timeout",),
    ),
    Mutation(
        name="syspro-sandbox-no-session-kill",
        claim="the session-kill switch ends the session the next call carries (SYSPRO's ERROR:)",
        path="sandbox/syspro/views.py",
        find='        if take_fault(session.company, "fault_session_kill"):\n',
        replace="        if False:\n",
        tests=(f"{SESSIONS}::test_fault_switches_and_hostile_input",),
    ),
]

PAGES = "tests/syspro/test_sandbox_pages.py"
MUTATIONS += [
    Mutation(
        name="syspro-sandbox-page-unescaped",
        claim="the sandbox SYSPRO's document page escapes the store's text",
        path="sandbox/templates/sandbox/syspro_document.html",
        find="<dd>{{ value }}</dd>",
        replace="<dd>{{ value|safe }}</dd>",
        tests=(f"{PAGES}::test_demo_sign_in_document_pages_and_admin",),
    ),
    Mutation(
        name="demo-connection-before-its-connector",
        claim="an ERP's demo connection is made only once its connector has landed",
        path="sandbox/demo_connection.py",
        find="        if kind in available\n",
        replace="",
        tests=(
            "tests/test_platform_bootstrap.py::"
            "test_the_demo_has_one_live_connection_per_erp_with_a_connector_each_on_its_own_store",
        ),
    ),
]

MUTATIONS += [
    Mutation(
        name="syspro-sandbox-comfnd-quantities-as-text",
        claim="COMFND compares quantity columns as numbers and codes as text, as SQL Server does",
        path="sandbox/syspro/comfnd.py",
        find="    if column in tables.NUMERIC:\n        a, b = _number(left), _number(right)\n",
        replace="    if False:\n        a, b = _number(left), _number(right)\n",
        tests=(f"{WIRE}::test_comfnd_arsscs_sortoi_and_sortic",),
    ),
]

MUTATIONS += [
    Mutation(
        name="syspro-sandbox-no-tax",
        claim="SORTOI computes each line's tax by its tax code (the contract's money test reads it)",
        path="sandbox/syspro/tax.py",
        find="    return (value * Decimal(str(rates[code])) / 100).quantize(CENT, rounding=ROUND_HALF_UP)\n",
        replace="    return Decimal(0)\n",
        tests=(f"{WIRE}::test_comfnd_arsscs_sortoi_and_sortic",),
    ),
]

MUTATIONS += [
    Mutation(
        name="syspro-sandbox-no-request-size-limit",
        claim="with max_request_bytes set, a GET longer than it is refused as HTTP.sys does (400)",
        path="sandbox/syspro/views.py",
        find="    return bool(company and company.max_request_bytes and size > company.max_request_bytes)\n",
        replace="    return False\n",
        tests=(f"{SESSIONS}::test_fault_switches_and_hostile_input",),
    ),
]
