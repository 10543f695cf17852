from django.apps import AppConfig


class AuditAppConfig(AppConfig):
    name = "audit"

    def ready(self):
        from audit import admin_jobs  # noqa: F401 - registers the job and bulk-run admins
