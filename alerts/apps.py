from django.apps import AppConfig


class AlertsAppConfig(AppConfig):
    name = "alerts"
    label = "alerts"
    verbose_name = "Alerts"
