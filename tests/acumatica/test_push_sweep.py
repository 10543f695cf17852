"""A stored push notification whose hand-over was lost (the broker was down when it arrived: it
was answered 2xx and stored, but no task was queued) is handed over by the periodic sweep and
reaches its catalog push through a real worker; a recent one is left to its own hand-over."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.services import settings_update
from connectors.acumatica.models import NotificationState, PushNotification
from connectors.acumatica.push import STALE_AFTER
from connectors.acumatica.tasks import sweep_notifications
from tenants.models import Connection, ConnectionStatus
from tests.acumatica.test_push_receiver import acumatica_connection, stored
from tests.support.worker import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_notification_whose_hand_over_was_lost_is_swept_to_its_push(
    tenant, celery_worker_process
):
    connection = acumatica_connection(tenant)
    Connection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.ACTIVE)
    settings_update(connection, enabled=True)
    lost = stored(connection, received_at=timezone.now() - STALE_AFTER - timedelta(minutes=1))
    recent = stored(connection, received_at=timezone.now() - timedelta(minutes=1))

    assert sweep_notifications() == 1
    wait_until(
        lambda: PushNotification.objects.get(pk=lost.pk).state == NotificationState.PUSHED,
        timeout=30,
        message="the swept notification did not reach its push",
    )
    lost.refresh_from_db()
    assert lost.push is not None and lost.push.connection_id == connection.pk
    recent.refresh_from_db()
    assert recent.state == NotificationState.RECEIVED  # within its own hand-over's time
    assert sweep_notifications() == 0
