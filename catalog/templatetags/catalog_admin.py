"""The catalog push panel on a connection's admin page (only for ERPs that list item changes)."""

from django import template

from catalog.models import CatalogPush, CatalogSettings
from connectors.erp import supports_stream
from connectors.registry import connector_class_for, erp_kind

register = template.Library()


@register.inclusion_tag("admin/catalog/connection_panel.html", takes_context=True)
def catalog_panel(context, connection):
    connector_class = connector_class_for(connection.erp_kind)
    offered = bool(connector_class and supports_stream(connector_class, "items"))
    settings = CatalogSettings.objects.filter(connection=connection).first()
    return {
        "offered": offered,
        "connection": connection,
        "erp_label": erp_kind(connection.erp_kind).label if offered else "",
        "settings": settings,
        "last_push": CatalogPush.objects.filter(connection=connection).first() if offered else None,
        "may_write": context.get("has_change_permission", False),
        "csrf_token": context.get("csrf_token"),
    }
