from django.apps import AppConfig


class BusinessCentralAppConfig(AppConfig):
    name = "connectors.business_central"
    label = "connectors_business_central"
    verbose_name = "Business Central connector"
