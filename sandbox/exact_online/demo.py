"""The demo tenant's Exact Online connection: signed in to the sandbox Exact Online's demo
division."""

from django.conf import settings

from sandbox.demo_connection import DemoConnection
from sandbox.exact_online import services


def sign_in(connection) -> None:
    """As 'Connect Exact Online' would leave it; its mapping defaults (journal 70, VAT codes 2 and
    0, item SHIPPING) are that division's."""
    from connectors.exact_online.setup import connection_connect, is_connected, redirect_uri

    # Registered on every start: 'Connect Exact Online' signs in at this address (PORT may change).
    division = services.demo_division(
        settings.EXACT_CLIENT_ID, settings.EXACT_CLIENT_SECRET, redirect_uri()
    )
    if is_connected(connection):
        return
    connection_connect(
        connection,
        tokens=services.demo_tokens(settings.EXACT_CLIENT_ID, division),
        division=division.code,
    )


DEMO = DemoConnection("Demo store → Exact Online", "demo2", sign_in, {"country": "nl"})
