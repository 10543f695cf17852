"""Re-encrypt every encrypted field with the current key (after rotating SECRET_KEY or SALT_KEY).

Rotation: put the new key first (SECRET_KEY, or the front of the SALT_KEY list), keep the old one in
SECRET_KEY_FALLBACKS (or later in SALT_KEY), run this command, then drop the old key.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from tenants.fields import encrypted_fields_of


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        total = 0
        for model in apps.get_models():
            meta = model._meta
            fields = encrypted_fields_of(model)
            # A proxy shares its concrete model's table: that one is done already.
            if not fields or meta.proxy or not meta.managed:
                continue
            count = self._reencrypt(model, fields, batch_size)
            total += count
            self.stdout.write(f"{meta.label}: {count} rows re-encrypted ({', '.join(fields)})")
        self.stdout.write(self.style.SUCCESS(f"{total} rows re-encrypted with the current key"))

    @staticmethod
    def _reencrypt(model, fields: list[str], batch_size: int) -> int:
        # The base manager sees every row, whatever a default manager filters out.
        rows_of = model._base_manager.order_by("pk")
        count, last_pk = 0, None
        while True:
            with transaction.atomic():
                batch = rows_of if last_pk is None else rows_of.filter(pk__gt=last_pk)
                # Locked: a token refresh saving a rotated token meanwhile must not be overwritten
                # with the value read here.
                rows = list(batch.select_for_update()[:batch_size])
                if not rows:
                    return count
                # Read with any key of the ring, written with the first one.
                model._base_manager.bulk_update(rows, fields)
            count += len(rows)
            last_pk = rows[-1].pk
