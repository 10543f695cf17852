"""Re-encrypt every encrypted field with the current key (after rotating SECRET_KEY or SALT_KEY).

Rotation: put the new key first (SECRET_KEY, or the front of the SALT_KEY list), keep the old one in
SECRET_KEY_FALLBACKS (or later in SALT_KEY), run this command, then drop the old key.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from tenants.fields import encrypted_fields_of

BATCH = 500


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def handle(self, *args, **options):
        for model in apps.get_models():
            fields = encrypted_fields_of(model)
            if not fields:
                continue
            count = 0
            ids = list(model.objects.values_list("pk", flat=True))
            for start in range(0, len(ids), BATCH):
                with transaction.atomic():
                    rows = list(model.objects.filter(pk__in=ids[start : start + BATCH]))
                    # Reading decrypted with any key in the ring; saving encrypts with the first.
                    model.objects.bulk_update(rows, fields)
                    count += len(rows)
            self.stdout.write(
                f"{model._meta.label}: {count} rows re-encrypted ({', '.join(fields)})"
            )
