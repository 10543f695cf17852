from django.apps import AppConfig


class SysproAppConfig(AppConfig):
    name = "connectors.syspro"
    label = "connectors_syspro"
    verbose_name = "SYSPRO connector"
