"""Celery tasks of the connectors: thin, they take ids and call services."""

from celery import shared_task


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
