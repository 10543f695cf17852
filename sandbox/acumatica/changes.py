"""Where a write to an item tells the rest of the sandbox: push notifications hang here."""


def records_changed(tenant, entity: str, before: dict | None, after: dict | None) -> None:
    """Runs after every committed StockItem/NonStockItem write (an API call or a person's edit
    through services.stock_item_set): `before`/`after` are the stored (wrapped) records, None for
    an insert/a delete. The stock items' push notifications go out from here (push.py)."""
    from sandbox.acumatica.push import stock_item_changed

    stock_item_changed(tenant, entity, before, after)
