"""Where a write to an item tells the rest of the sandbox: push notifications hang here."""


def records_changed(tenant, entity: str, before: dict | None, after: dict | None) -> None:
    """Runs after every committed StockItem/NonStockItem write (an API call or a person's edit
    through services.stock_item_set): `before`/`after` are the stored (wrapped) records, None for
    an insert/a delete. A no-op until the push notification sender (push.py) is called here."""
