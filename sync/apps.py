from django.apps import AppConfig


class SyncAppConfig(AppConfig):
    name = "sync"
    label = "sync"
    verbose_name = "Sync"
