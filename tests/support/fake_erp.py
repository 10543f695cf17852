"""An in-test ERP for the pipeline tests (nothing like it ships in the product). Its ledger is a
JSON file under VAR_DIR, locked for each change, so the worker process and the test see the same
documents on either backend (PostgreSQL + Redis, or the embedded SQLite + file broker).

Like a real ERP it keeps every document it is asked to create: a second create for one order is a
second document, never an overwrite, so a duplicate shows. Like the sandboxes it has switches the
ERP contract suite uses: an API key its check compares, and creates that are kept but unconfirmed.

It is also an item source for the catalog push (catalog/): items with a SKU, prices, cost and stock
per warehouse, which a test sets, changes (a share of them) or removes; `changed_items` lists them
by modification time, as an ERP's change feed does.
"""

import fcntl
import json
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from connectors import registry
from connectors.canonical import ErpRecord, ItemChange
from connectors.causes import SKU_UNMAPPED
from connectors.checks import CheckResult
from connectors.erp import (
    DocumentLine,
    DocumentPreview,
    DocumentSummary,
    ErpConnector,
    ExternalRef,
)
from connectors.errors import AmbiguousWrite, PermanentError

KIND = "fake_erp"
ITEMS_PAGE = 100  # items per page of changed_items


def _empty() -> dict:
    return {
        "documents": [], "customers": {}, "unknown_skus": [], "calls": [],
        "api_key": "", "unconfirmed_creates": 0, "items": {},
    }  # fmt: skip


def ledger(connection_id) -> "FakeLedger":
    return FakeLedger(str(connection_id))


class FakeLedger:
    def __init__(self, connection_id: str):
        folder = Path(settings.VAR_DIR).resolve() / "fake-erp"
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{connection_id}.json"
        self._lock_path = folder / f"{connection_id}.lock"

    @contextmanager
    def _locked(self, write: bool):
        with self._lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
            try:
                state = json.loads(self.path.read_text()) if self.path.exists() else _empty()
                yield state
                if write:
                    temporary = self.path.with_suffix(".tmp")
                    temporary.write_text(json.dumps(state))
                    temporary.replace(self.path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> dict:
        with self._locked(write=False) as state:
            return state

    # --- what the tests look at ------------------------------------------------------------
    def documents(self) -> list[dict]:
        """Every document created, in order, duplicates included."""
        return self._read()["documents"]

    def orders(self) -> Counter:
        """How many documents each order got: {order id: count}."""
        return Counter(d["order_id"] for d in self.documents())

    def document_for(self, order_id) -> dict:
        """The one document of an order; fails when there is none or more than one."""
        found = [d for d in self.documents() if d["order_id"] == str(order_id)]
        assert len(found) == 1, f"order {order_id} has {len(found)} documents in the fake ERP"
        return found[0]

    def creates(self) -> int:
        return len(self.documents())

    def customers(self) -> dict[str, str]:
        return self._read()["customers"]

    def calls(self) -> list[str]:
        """Every call the pipeline made to this ERP, in order (a real ERP's API log)."""
        return self._read().get("calls", [])

    def _called(self, name: str) -> None:
        with self._locked(write=True) as state:
            state.setdefault("calls", []).append(name)

    # --- what the tests change -------------------------------------------------------------
    def refuse_sku(self, sku: str) -> None:
        with self._locked(write=True) as state:
            state["unknown_skus"] = sorted({*state["unknown_skus"], sku})

    def accept_sku(self, sku: str) -> None:
        with self._locked(write=True) as state:
            state["unknown_skus"] = sorted(set(state["unknown_skus"]) - {sku})

    def api_key_require(self, key: str) -> None:
        """The check then wants this key in the connection's secrets (none set: any will do)."""
        with self._locked(write=True) as state:
            state["api_key"] = key

    def creates_unconfirmed(self, count: int) -> None:
        """The next `count` creates keep their document, then fail as a create whose answer never
        came (a timeout and a 5xx reach the pipeline as the same AmbiguousWrite)."""
        with self._locked(write=True) as state:
            state["unconfirmed_creates"] = count

    # --- items (the catalog push's source) -------------------------------------------------
    def items(self) -> dict[str, dict]:
        """{item id: {"sku", "price", "sale_price", "cost", "stock", "modified_at", "version"}}."""
        return self._read().get("items", {})

    def items_set(self, items: list[dict]) -> None:
        """Add or replace items: dicts with "id" (default: the SKU), "sku" and any of "price",
        "sale_price", "cost" (Decimal or None) and "stock" ({warehouse: quantity})."""
        now = timezone.now().isoformat()
        with self._locked(write=True) as state:
            stored = state.setdefault("items", {})
            for item in items:
                item_id = str(item.get("id") or item["sku"])
                version = stored.get(item_id, {}).get("version", 0) + 1
                stored[item_id] = {
                    "sku": item["sku"], "price": _text(item.get("price")),
                    "sale_price": _text(item.get("sale_price")), "cost": _text(item.get("cost")),
                    "stock": {k: _text(v) for k, v in (item.get("stock") or {}).items()},
                    "modified_at": now, "version": version,
                }  # fmt: skip

    def items_change(self, ids, **changes) -> None:
        """Change these items' fields ("price", "stock", …; a callable gets the old value) and
        their modification time, as an edit in the ERP does."""
        now = timezone.now().isoformat()
        with self._locked(write=True) as state:
            for item_id in ids:
                item = state["items"][str(item_id)]
                for name, value in changes.items():
                    old = item[name]
                    if name == "stock":
                        old = {k: Decimal(v) for k, v in old.items()}
                    elif old is not None:
                        old = Decimal(old)
                    new = value(old) if callable(value) else value
                    if name == "stock":
                        item[name] = {k: _text(v) for k, v in new.items()}
                    else:
                        item[name] = _text(new)
                item["modified_at"], item["version"] = now, item["version"] + 1

    def items_share(self, share: float) -> list[str]:
        """Every (1/share)-th item id, in a stable order: "a share of the items"."""
        ids = sorted(self.items())
        step = max(1, round(1 / share))
        return ids[::step]

    def item_remove(self, item_id) -> None:
        with self._locked(write=True) as state:
            state["items"].pop(str(item_id), None)

    def clear(self) -> None:
        with self._locked(write=True) as state:
            state.clear()
            state.update(_empty())


def _text(value) -> str | None:
    return None if value is None else str(Decimal(str(value)))


def _record(item_id: str, item: dict) -> ErpRecord:
    modified_at = datetime.fromisoformat(item["modified_at"])
    money = {
        k: None if item[k] is None else Decimal(item[k]) for k in ("price", "sale_price", "cost")
    }
    change = ItemChange(
        sku=item["sku"], **money, modified_at=modified_at,
        stock={k: Decimal(v) for k, v in item["stock"].items()},
    )  # fmt: skip
    return ErpRecord(
        erp_id=item_id, version=str(item["version"]), modified_at=modified_at, data=change
    )


class FakeItems:
    """The item stream of the fake ERP (mixed into FakeErp)."""

    def changed_items(self, since):
        self.ledger._called("changed_items")
        items = sorted(
            self.ledger.items().items(), key=lambda pair: (pair[1]["modified_at"], pair[0])
        )
        records = [
            _record(item_id, item)
            for item_id, item in items
            if since is None or datetime.fromisoformat(item["modified_at"]) > since
        ]
        for start in range(0, len(records), ITEMS_PAGE):
            yield records[start : start + ITEMS_PAGE]

    def item_record(self, erp_id):
        self.ledger._called("item_record")
        item = self.ledger.items().get(str(erp_id))
        return None if item is None else _record(str(erp_id), item)


class FakeErp(FakeItems, ErpConnector):
    label = "Fake ERP"

    def __init__(self, connection, *, lane: str = ""):
        super().__init__(connection)
        self.ledger = ledger(connection.pk)

    def check(self) -> CheckResult:
        wanted = self.ledger._read().get("api_key")
        given = (self.connection.erp_secrets or {}).get("api_key")
        if not given and wanted:
            return CheckResult(
                self.label, ok=False, message="Connect Fake ERP: no API key is set yet.",
                hint="Enter the Fake ERP API key in the connection's settings.",
            )  # fmt: skip
        if wanted and given != wanted:
            return CheckResult(
                self.label, ok=False, message="Fake ERP refused the API key.",
                hint="Correct the Fake ERP API key in the connection's settings.",
            )  # fmt: skip
        return CheckResult(self.label, ok=True, message="Fake ERP is reachable.")

    def upsert_customer(self, customer) -> ExternalRef:
        self.ledger._called("upsert_customer")
        with self.ledger._locked(write=True) as state:
            customers = state["customers"]
            customers.setdefault(customer.email, f"C{len(customers) + 1:05d}")
            return ExternalRef(id=customers[customer.email])

    def find_sales_document(self, order) -> ExternalRef | None:
        self.ledger._called("find_sales_document")
        for document in self.ledger.documents():
            if document["order_id"] == order.source_id:
                return ExternalRef(**document["ref"])
        return None

    def document_preview(self, order) -> DocumentPreview:
        """The invoice create_sales_document keeps for the order, as a person reads it, with no
        call recorded in the ledger (like the real ones)."""
        lines = tuple(
            DocumentLine(line.name, line.sku, line.quantity, line.unit_price_ex_tax,
                         line.total_ex_tax)
            for line in order.lines
        )  # fmt: skip
        return DocumentPreview(
            kind="Sales invoice", customer=order.customer.email, lines=lines,
            total=order.total_inc_tax.quantize(Decimal("0.01"), ROUND_HALF_UP),
            tax=order.total_tax.quantize(Decimal("0.01"), ROUND_HALF_UP), currency=order.currency,
        )  # fmt: skip

    def create_sales_document(self, order, customer) -> ExternalRef:
        self.ledger._called("create_sales_document")
        with self.ledger._locked(write=True) as state:
            unknown = sorted({line.sku for line in order.lines} & set(state["unknown_skus"]))
            if unknown:
                raise PermanentError(
                    f"SKU {unknown[0]} has no item in the Fake ERP: map it, or choose an income "
                    "account for unmapped SKUs in the connection settings, then replay.",
                    cause=SKU_UNMAPPED,
                    subject=unknown[0],
                )
            number = f"INV{len(state['documents']) + 1:05d}"
            ref = ExternalRef(id=f"doc-{number}", number=number)
            state["documents"].append(
                {
                    "order_id": order.source_id,
                    "ref": ref.__dict__,
                    "customer": customer.id,
                    "lines": [
                        [line.sku, str(line.quantity), str(line.unit_price_ex_tax)]
                        for line in order.lines
                    ],
                    "total_ex_tax": str(order.total_ex_tax),
                    "total_tax": str(order.total_tax),
                    "total_inc_tax": str(order.total_inc_tax),
                    "shipping_ex_tax": str(order.shipping_ex_tax),
                    "line_totals_ex_tax": [str(line.total_ex_tax) for line in order.lines],
                    "status_id": order.status_id,
                }
            )
            unconfirmed = state.get("unconfirmed_creates", 0)
            state["unconfirmed_creates"] = max(0, unconfirmed - 1)
        if unconfirmed:
            raise AmbiguousWrite("Fake ERP did not confirm the create (switched on by the test).")
        return ref

    def sales_documents(self, since, until):
        """Every document it keeps (the fake keeps no document dates), in one page."""
        self.ledger._called("sales_documents")
        yield [
            DocumentSummary(
                reference=d["order_id"],
                id=d["ref"]["id"],
                number=d["ref"]["number"],
                total=Decimal(str(d["total_inc_tax"])).quantize(Decimal("0.01")),
            )
            for d in self.ledger.documents()
        ]

    def update_sales_document(self, ref, order, customer) -> ExternalRef:
        self.ledger._called("update_sales_document")
        with self.ledger._locked(write=True) as state:
            for document in state["documents"]:
                if document["ref"]["id"] == ref.id:
                    document["status_id"] = order.status_id
        return ref


def install() -> None:
    """Register the fake ERP kind in this process's registry."""
    myob = registry.ERP_KINDS["myob"]
    registry.ERP_KINDS[KIND] = replace(
        myob, kind=KIND, label="Fake ERP", connector="tests.support.fake_erp.FakeErp",
        oauth_manager=None, urls=None, links=(), periodic_tasks=(), secret_headers=(),
        env_settings=(),
    )  # fmt: skip
