from audit.context import correlation
from connectors.checks import CheckResult
from connectors.errors import ConnectorError


def bigcommerce_check(connection) -> CheckResult:
    """A real read (store information), not just a token exchange that proves nothing."""
    from connectors.bigcommerce.client import store_client

    with correlation("admin:test-connection"):
        try:
            store = store_client(connection).get("v2/store", operation="store.get").json()
        except ConnectorError as exc:
            return CheckResult(
                "BigCommerce",
                ok=False,
                message=exc.message,
                hint="Fix the store hash or API account in the settings below and test again.",
            )
    name = store.get("name") or connection.store_hash
    return CheckResult("BigCommerce", ok=True, message=f"Connected to the store '{name}'.")
