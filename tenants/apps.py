from django.apps import AppConfig


class TenantsAppConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants and connections"

    def ready(self):
        from tenants import (
            admin_invitations,  # noqa: F401 - registers the invitation admin
            admin_tokens,  # noqa: F401 - registers the API token admin
        )
