from django.apps import AppConfig


class AcumaticaAppConfig(AppConfig):
    name = "connectors.acumatica"
    label = "connectors_acumatica"
    verbose_name = "Acumatica connector"
