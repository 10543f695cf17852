from django.apps import AppConfig


class MyobAppConfig(AppConfig):
    """The MYOB connector keeps its own links (BigCommerce customer ↔ MYOB card) and templates."""

    name = "connectors.myob"
    label = "connectors_myob"
    verbose_name = "MYOB connector"
    default_auto_field = "django.db.models.BigAutoField"
