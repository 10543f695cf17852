import time

from django.core.management.base import BaseCommand

from sandbox.bigcommerce.catalog_build import catalog_rebuild
from sandbox.bigcommerce.services import store_create


class Command(BaseCommand):
    help = (
        "Create (or rebuild) a sandbox BigCommerce store whose catalog is the generated one "
        "(sandbox/catalog_seed.py) with N SKUs, for the catalog push benchmark."
    )

    def add_arguments(self, parser):
        parser.add_argument("store_hash", help="the store's hash, e.g. bench1")
        parser.add_argument("--skus", type=int, default=10_000, help="how many SKUs (10000)")

    def handle(self, *args, store_hash, skus, **options):
        started = time.monotonic()
        store = store_create(store_hash, name=f"Benchmark store ({skus} SKUs)")
        built = catalog_rebuild(store, skus)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Store {store_hash}: {built} SKUs in {store.products.count()} products, "
            f"built in {seconds:.1f} s. Access token: see the sandbox admin (BcStore)."
        )
