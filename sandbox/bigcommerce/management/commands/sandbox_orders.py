from django.core.management.base import BaseCommand, CommandError

from sandbox.bigcommerce.models import BcStore
from sandbox.bigcommerce.services import place_test_order


class Command(BaseCommand):
    help = "Place test orders in a sandbox BigCommerce store (each fires its webhooks)."

    def add_arguments(self, parser):
        parser.add_argument("--store", required=True, help="store hash, e.g. demo1")
        parser.add_argument("--count", type=int, default=1)
        parser.add_argument("--new-shopper", action="store_true", help="a new customer each time")

    def handle(self, *args, store, count, new_shopper, **options):
        found = BcStore.objects.filter(store_hash=store).first()
        if found is None:
            raise CommandError(f"No sandbox store {store!r}; the demo store is created by bin/run.")
        for _ in range(count):
            order = place_test_order(found, customer="new" if new_shopper else None)
            self.stdout.write(
                f"order {order.pk}: {order.lines.count()} lines, status {order.status_id}"
            )
