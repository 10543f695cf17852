from django.apps import AppConfig


class ExactOnlineConfig(AppConfig):
    name = "connectors.exact_online"
    label = "connectors_exact_online"
    verbose_name = "Exact Online connector"
