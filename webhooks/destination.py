"""Where BigCommerce delivers a connection's webhooks: our intake endpoint for it."""

from django.conf import settings


def webhook_destination(connection) -> str:
    return f"{settings.PUBLIC_BASE_URL}/webhooks/bigcommerce/{connection.pk}/"
