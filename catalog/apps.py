from django.apps import AppConfig


class CatalogAppConfig(AppConfig):
    name = "catalog"
    label = "catalog"
    verbose_name = "Catalog push"
