from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from sandbox.acumatica import services
from sandbox.acumatica.models import AcuTenant


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise CommandError(f"{text!r} is not a number") from exc


class Command(BaseCommand):
    help = (
        "Change a stock item of a sandbox Acumatica tenant as a person using Acumatica would (its "
        "default price, cost or quantity on hand in one warehouse). Its push notifications go out "
        "as Acumatica's would, so the catalog push carries the change to the store."
    )

    def add_arguments(self, parser):
        parser.add_argument("sku", help="the stock item's Inventory ID, e.g. TENT-2P")
        parser.add_argument("--instance", default="demo", help="the instance (default: demo)")
        parser.add_argument("--tenant", default="DemoCo", help="the tenant (default: DemoCo)")
        parser.add_argument("--price", type=_decimal, help="the new default price")
        parser.add_argument("--cost", type=_decimal, help="the new cost")
        parser.add_argument("--qty", type=_decimal, help="the new quantity on hand")
        parser.add_argument("--warehouse", default="WHOLESALE", help="for --qty")

    def handle(self, *args, sku, instance, tenant, price, cost, qty, warehouse, **options):
        if price is None and cost is None and qty is None:
            raise CommandError("Say what changes: --price, --cost and/or --qty.")
        found = AcuTenant.objects.filter(instance__slug=instance, name=tenant).first()
        if found is None:
            raise CommandError(f"No sandbox Acumatica tenant {tenant!r} on instance {instance!r}.")
        known = {r.get("InventoryID") for r in services.plain_records(found, "StockItem")}
        if sku not in known:
            raise CommandError(f"No stock item {sku!r} in {tenant}: it has {len(known)} others.")
        services.stock_item_set(
            found, sku, price=price, cost=cost,
            qty_by_warehouse={warehouse: qty} if qty is not None else None,
        )  # fmt: skip
        self.stdout.write(f"Stock item {sku} changed in {tenant} ({instance}).")
