from django.apps import AppConfig


class ExactOnlineAppConfig(AppConfig):
    name = "connectors.exact_online"
    label = "connectors_exact_online"
    verbose_name = "Exact Online connector"
