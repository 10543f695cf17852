"""Where a connection has read up to in each change feed (the store's orders, an ERP's customers):
kept on the connection, moved only forward."""

from datetime import datetime

from django.db import transaction

from tenants.models import Connection

CURSOR_VERSION = 1  # bump with a migration step in read_cursor when the format changes


def read_cursor(connection: Connection, stream: str) -> datetime | None:
    entry = (connection.cursors or {}).get(stream)
    if not entry or entry.get("v") != CURSOR_VERSION:
        return None
    return datetime.fromisoformat(entry["value"])


def write_cursor(connection_id, stream: str, value: datetime) -> None:
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(pk=connection_id)
        cursors = dict(connection.cursors or {})
        current = read_cursor(connection, stream)
        if current is None or value > current:
            cursors[stream] = {"v": CURSOR_VERSION, "value": value.isoformat()}
            Connection.objects.filter(pk=connection_id).update(cursors=cursors)
