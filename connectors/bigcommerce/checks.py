from audit.context import correlation
from connectors.checks import CheckResult
from connectors.errors import ConnectorError


def bigcommerce_check(connection) -> CheckResult:
    """A real read (store information), not just a token exchange that proves nothing. An
    answer that is not the store's information (not JSON, not an object) is a failed check."""
    from connectors.bigcommerce.store import BigCommerceStore

    with correlation("admin:test-connection"):
        try:
            store = BigCommerceStore(connection).store_info()
        except ConnectorError as exc:
            return CheckResult(
                "BigCommerce",
                ok=False,
                message=exc.message,
                hint="Fix the store hash or API account in the settings below and test again.",
            )
    name = store.get("name") if isinstance(store.get("name"), str) else ""
    name = name or connection.store_hash
    return CheckResult("BigCommerce", ok=True, message=f"Connected to the store '{name}'.")
