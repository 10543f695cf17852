"""The guard: a run that would move more than a set share of the catalog's prices by more than a
set percentage stops before writing, for a person to confirm (an ERP's mistake, a price list
imported in the wrong currency, must not reach the storefront)."""

from decimal import Decimal, InvalidOperation

HUNDRED = Decimal(100)


def price_change(before, after) -> Decimal | None:
    """The move in percent of the price before; None when there was no price to compare."""
    try:
        old, new = Decimal(str(before)), Decimal(str(after))
    except (InvalidOperation, TypeError):
        return None
    if old == 0:
        return None if new == 0 else HUNDRED * 1000  # from nothing to a price: a large move
    return abs(new - old) * HUNDRED / old


def moves_held(price_moves: list[dict], settings, catalog_prices: int) -> list[dict]:
    """The large moves, when there are too many of them (the run is held); else []."""
    large = []
    for move in price_moves:
        change = price_change(move["before"], move["after"])
        if change is not None and change > settings.guard_change:
            large.append({**move, "change": str(change.quantize(Decimal("0.1")))})
    allowed = Decimal(max(catalog_prices, len(price_moves))) * settings.guard_share / HUNDRED
    return large if len(large) > allowed else []
