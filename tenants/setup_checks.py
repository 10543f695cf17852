"""What the guided set-up page remembers between visits: the last sign-in and mapping check and
the last dry-run, per connection, in the cache (a day): a result to show, not a record to keep."""

from importlib import import_module

from django.core.cache import cache
from django.utils import timezone

from connectors.checks import erp_check
from connectors.errors import ConnectorError

TTL = 24 * 60 * 60


def _key(connection, what: str) -> str:
    return f"setup:{what}:{connection.pk}"


def remembered(connection, what: str) -> dict | None:
    return cache.get(_key(connection, what))


def remember(connection, what: str, result: dict) -> dict:
    result = {**result, "at": timezone.now().isoformat()}
    cache.set(_key(connection, what), result, TTL)
    return result


def _mapping_problems(connection) -> list[str] | None:
    """The ERP's own check of the stored mappings against its books (reads only); None for an
    ERP without one (its settings are checked as each order is sent)."""
    try:
        setup = import_module(f"connectors.{connection.erp_kind}.setup")
    except ImportError:
        return None
    check = getattr(setup, "mapping_problems", None)
    if check is None:
        return None
    try:
        problems = check(connection, dict(connection.erp_settings or {}))
    except ConnectorError as exc:
        return [f"The settings could not be read: {exc.message}"]
    return [f"{field.replace('_', ' ').capitalize()}: {text}" for field, text in problems.items()]


def setup_check(connection) -> dict:
    """Read the store with its credentials, sign in to the ERP, and when that works check the
    mappings; remembered for the page. Returns the ERP's sign-in result."""
    from connectors.bigcommerce.checks import bigcommerce_check

    store = bigcommerce_check(connection)
    remember(connection, "store", {"ok": store.ok, "message": store.message, "hint": store.hint})
    result = erp_check(connection)
    checked = {"ok": result.ok, "message": result.message, "hint": result.hint}
    if result.ok:
        problems = _mapping_problems(connection)
        found = {"checked": problems is not None, "problems": problems or []}
    else:
        found = {"checked": False, "problems": [], "signed_in": False}
    remember(connection, "mappings", found)
    return remember(connection, "sign_in", checked)
