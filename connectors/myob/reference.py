"""Reference data of one company file — tax codes, accounts, categories, items — cached per
connection and refreshed on a miss: a code the cache does not know is looked up in MYOB before an
order is failed for it, so a tax code or item created a minute ago is found."""

from dataclasses import dataclass

from django.core.cache import cache

from connectors.myob.api import MyobApi, quoted

TTL = 60 * 60
CHUNK = 20  # keys per OData "or" filter


@dataclass(frozen=True)
class Kind:
    resource: str
    key: str  # the field people know it by
    keep: tuple[str, ...]  # fields worth caching


TAX_CODES = Kind("GeneralLedger/TaxCode", "Code", ("UID", "Code", "Description", "Rate"))
ACCOUNTS = Kind("GeneralLedger/Account", "DisplayID", ("UID", "DisplayID", "Name", "Classification", "IsHeader", "IsActive"))  # fmt: skip
CATEGORIES = Kind("GeneralLedger/Category", "DisplayID", ("UID", "DisplayID", "Name"))
ITEMS = Kind("Inventory/Item", "Number", ("UID", "Number", "Name", "IsSold", "IsActive", "IncomeAccount"))  # fmt: skip


def _slim(kind: Kind, entity: dict) -> dict:
    slim = {field: entity.get(field) for field in kind.keep}
    if isinstance(slim.get("IncomeAccount"), dict):
        slim["IncomeAccount"] = {"UID": slim["IncomeAccount"].get("UID")}
    if slim.get("Rate") is not None:
        slim["Rate"] = str(slim["Rate"])
    return slim


class ReferenceData:
    def __init__(self, api: MyobApi):
        self.api = api
        connection = api.connection
        business = (connection.erp_settings or {}).get("business_id", "")
        self.prefix = f"myob:ref:{connection.pk}:{business}"

    def _cache_key(self, kind: Kind) -> str:
        return f"{self.prefix}:{kind.resource}"

    def _cached(self, kind: Kind) -> dict[str, dict]:
        return cache.get(self._cache_key(kind)) or {}

    def _store(self, kind: Kind, entries: dict[str, dict]) -> None:
        cache.set(self._cache_key(kind), entries, TTL)

    def all(self, kind: Kind) -> list[dict]:
        """Every entry, fresh from MYOB (for the settings pickers); refreshes the cache."""
        entries = {
            str(e[kind.key]).lower(): _slim(kind, e)
            for e in self.api.list(kind.resource)
            if e.get(kind.key)
        }
        self._store(kind, entries)
        return sorted(entries.values(), key=lambda e: str(e[kind.key]))

    def find(self, kind: Kind, keys) -> dict[str, dict]:
        """{key: entry} for the keys that exist in MYOB (case-insensitive); the cache first, then
        one look-up in MYOB for the keys it does not know."""
        wanted = {str(k).lower(): str(k) for k in keys if k}
        entries = self._cached(kind)
        missing = [original for lowered, original in wanted.items() if lowered not in entries]
        if missing:
            for start in range(0, len(missing), CHUNK):
                chunk = missing[start : start + CHUNK]
                text = " or ".join(f"{kind.key} eq {quoted(k)}" for k in chunk)
                for entity in self.api.list(kind.resource, filter=text):
                    entries[str(entity[kind.key]).lower()] = _slim(kind, entity)
            self._store(kind, entries)
        return {
            original: entries[lowered] for lowered, original in wanted.items() if lowered in entries
        }

    def forget(self) -> None:
        for kind in (TAX_CODES, ACCOUNTS, CATEGORIES, ITEMS):
            cache.delete(self._cache_key(kind))
