from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, write the beat schedule, and (in demo mode) create the demo tenant."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database: migrated")
        call_command("sync_beat_schedule", stdout=self.stdout)
        if settings.DEMO_MODE:
            self._demo()

    def _demo(self):
        from sandbox.demo import DEMO_EMAIL, demo_setup

        tenant, password = demo_setup()
        where = f"sign in at {settings.PUBLIC_BASE_URL}/admin/ as {DEMO_EMAIL}"
        if password:
            # Shown this once; only its hash is stored.
            self.stdout.write(
                self.style.SUCCESS(f"demo tenant '{tenant.name}': {where} with password {password}")
            )
        else:
            self.stdout.write(
                f"demo tenant '{tenant.name}': {where} (password shown at first start; set a new "
                f"one with `python manage.py changepassword {DEMO_EMAIL}`)"
            )
