"""The demo tenant's MYOB connection: signed in to the sandbox MYOB's demo company file."""

from django.conf import settings

from sandbox.demo_connection import DemoConnection
from sandbox.myob import services


def sign_in(connection) -> None:
    """As 'Connect MYOB' would leave it, so the demo's orders become invoices with nothing typed
    in."""
    from connectors.myob.setup import connection_connect, is_connected, redirect_uri

    # Registered on every start: 'Connect MYOB' again signs in at this address (PORT may change).
    business = services.demo_company_file(
        settings.MYOB_CLIENT_ID, settings.MYOB_CLIENT_SECRET, redirect_uri()
    )
    if is_connected(connection):
        return
    connection_connect(
        connection,
        tokens=services.demo_tokens(settings.MYOB_CLIENT_ID, business),
        business_id=str(business.uid),
        business_name=business.name,
    )


DEMO = DemoConnection("Demo store → MYOB", "demo1", sign_in)
