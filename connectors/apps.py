from django.apps import AppConfig


class ConnectorsAppConfig(AppConfig):
    name = "connectors"
