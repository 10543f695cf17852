"""An in-test ERP for the pipeline tests until the real ERP connectors land (issue 4 allows it;
nothing like it ships in the product). Its ledger lives in Redis so the worker process and the
test see the same documents."""

import json
from dataclasses import replace

import redis
from django.conf import settings

from connectors import registry
from connectors.checks import CheckResult
from connectors.erp import ErpConnector, ExternalRef
from connectors.errors import PermanentError

KIND = "fake_erp"


def ledger(connection_id) -> "FakeLedger":
    return FakeLedger(str(connection_id))


class FakeLedger:
    def __init__(self, connection_id: str):
        self.r = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)
        self.prefix = f"fakeerp:{connection_id}"

    def documents(self) -> dict[str, dict]:
        return {k: json.loads(v) for k, v in self.r.hgetall(f"{self.prefix}:documents").items()}

    def customers(self) -> dict[str, str]:
        return self.r.hgetall(f"{self.prefix}:customers")

    def creates(self) -> int:
        return int(self.r.get(f"{self.prefix}:creates") or 0)

    def refuse_sku(self, sku: str) -> None:
        self.r.sadd(f"{self.prefix}:unknown_skus", sku)

    def accept_sku(self, sku: str) -> None:
        self.r.srem(f"{self.prefix}:unknown_skus", sku)

    def unknown_skus(self) -> set[str]:
        return self.r.smembers(f"{self.prefix}:unknown_skus")

    def clear(self) -> None:
        for key in self.r.scan_iter(f"{self.prefix}:*"):
            self.r.delete(key)


class FakeErp(ErpConnector):
    label = "Fake ERP"

    def __init__(self, connection):
        super().__init__(connection)
        self.ledger = ledger(connection.pk)

    def check(self) -> CheckResult:
        return CheckResult(self.label, ok=True, message="Fake ERP is always reachable.")

    def upsert_customer(self, customer) -> ExternalRef:
        key = f"{self.ledger.prefix}:customers"
        self.ledger.r.hsetnx(key, customer.email, f"C{self.ledger.r.hlen(key) + 1:05d}")
        return ExternalRef(id=self.ledger.r.hget(key, customer.email))

    def find_sales_document(self, order) -> ExternalRef | None:
        raw = self.ledger.r.hget(f"{self.ledger.prefix}:documents", order.source_id)
        return ExternalRef(**json.loads(raw)["ref"]) if raw else None

    def create_sales_document(self, order, customer) -> ExternalRef:
        unknown = sorted({line.sku for line in order.lines} & self.ledger.unknown_skus())
        if unknown:
            raise PermanentError(
                f"SKU {unknown[0]} has no item in the Fake ERP: map it, or choose an income "
                "account for unmapped SKUs in the connection settings, then replay."
            )
        number = f"INV{self.ledger.r.incr(f'{self.ledger.prefix}:creates'):05d}"
        ref = ExternalRef(id=f"doc-{order.source_id}", number=number)
        document = {
            "ref": ref.__dict__,
            "customer": customer.id,
            "lines": [
                [line.sku, str(line.quantity), str(line.unit_price_ex_tax)] for line in order.lines
            ],
            "total_inc_tax": str(order.total_inc_tax),
            "status_id": order.status_id,
        }
        self.ledger.r.hset(f"{self.ledger.prefix}:documents", order.source_id, json.dumps(document))
        return ref

    def update_sales_document(self, ref, order, customer) -> ExternalRef:
        raw = json.loads(self.ledger.r.hget(f"{self.ledger.prefix}:documents", order.source_id))
        raw["status_id"] = order.status_id
        self.ledger.r.hset(f"{self.ledger.prefix}:documents", order.source_id, json.dumps(raw))
        return ref


def install() -> None:
    """Register the fake ERP kind in this process's registry."""
    myob = registry.ERP_KINDS["myob"]
    registry.ERP_KINDS[KIND] = replace(
        myob, label="Fake ERP", connector="tests.support.fake_erp.FakeErp"
    )
