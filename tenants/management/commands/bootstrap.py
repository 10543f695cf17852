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
            from tenants.demo import DEMO_EMAIL, demo_setup

            tenant, password = demo_setup()
            self.stdout.write(
                self.style.SUCCESS(
                    f"demo tenant '{tenant.name}': sign in at {settings.PUBLIC_BASE_URL}/admin/ "
                    f"as {DEMO_EMAIL} with password {password}"
                )
            )
