"""Reads of stored webhook events, always through the caller's tenant scope."""

from webhooks.models import InboundEvent


def event_list(*, scope):
    return scope.filter(InboundEvent.objects.select_related("connection"))
