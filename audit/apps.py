from django.apps import AppConfig


class AuditAppConfig(AppConfig):
    name = "audit"
