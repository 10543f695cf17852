"""Proactive refresh for tokens nobody is using right now."""

import logging
from datetime import timedelta

from django.utils import timezone

from connectors.errors import ConnectorError
from connectors.registry import TOKEN_MANAGERS, token_manager_for
from tenants.models import ConnectionStatus, OAuthToken

logger = logging.getLogger(__name__)
# Longer than any vendor's refresh margin plus the beat interval, so no token slips through.
LOOKAHEAD = timedelta(minutes=5)


def tokens_due_soon():
    return OAuthToken.objects.filter(
        system__in=list(TOKEN_MANAGERS),
        expires_at__lte=timezone.now() + LOOKAHEAD,
    ).exclude(connection__status=ConnectionStatus.NEEDS_RECONNECT)


def refresh_if_due(token_id: int) -> bool:
    """Refresh when inside the vendor's margin; True when the token is good afterwards."""
    token = OAuthToken.objects.select_related("connection").filter(pk=token_id).first()
    if token is None:
        return False
    try:
        token_manager_for(token).access_token()
    except ConnectorError as exc:
        # Dead credentials already set needs_reconnect and emailed the owners; a transient
        # failure is picked up again by the next beat run.
        logger.warning("token refresh failed", extra={"token": token_id, "error": exc.message})
        return False
    return True
