"""Celery tasks of the connectors (tokens, webhook subscriptions): thin, they take ids and call
services."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def refresh_expiring_tokens():
    """Fan out one refresh task per token that expires soon (idle connections stay alive)."""
    from connectors.token_refresh import tokens_due_soon

    ids = list(tokens_due_soon().values_list("id", flat=True))
    for token_id in ids:
        refresh_token.delay(token_id)
    return len(ids)


@shared_task(acks_late=True)
def refresh_token(token_id: int):
    from connectors.token_refresh import refresh_if_due

    return refresh_if_due(token_id)


@shared_task
def check_webhooks():
    from tenants.models import Connection, ConnectionStatus

    ids = list(
        Connection.objects.filter(status=ConnectionStatus.ACTIVE).values_list("pk", flat=True)
    )
    for connection_id in ids:
        check_connection_webhooks.delay(str(connection_id))
    return len(ids)


@shared_task(acks_late=True)
def check_connection_webhooks(connection_id: str):
    from connectors.bigcommerce.hooks import ensure_hooks
    from tenants.models import Connection

    return ensure_hooks(Connection.objects.get(pk=connection_id))
