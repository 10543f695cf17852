"""ERP → store polling: one pass of one stream (customers, items) for one connection.

Each ERP record changed since the stream's cursor that stands for a store record becomes one
SyncJob of the stream's flow (sync/flows.py), run like any other: claimed, retried,
audited, replayable. Records whose version is the one we wrote (or already pushed) are our own
echo and ask for nothing. The cursor moves page by page, after the page's jobs were asked for.
"""

from django.db import transaction

from connectors.erp import supports_stream
from connectors.links import store_links
from connectors.registry import ERP_KINDS, connector_class_for
from sync.dispatch import job_dispatch
from sync.flows import flow_for_stream
from sync.jobs import job_request
from sync.models import Lane
from tenants.cursors import read_cursor, write_cursor
from tenants.models import Connection, ConnectionStatus


def cursor_name(stream: str) -> str:
    return f"erp_{stream}"


def stream_connection_ids(stream: str) -> list:
    """The active connections whose ERP lists changes of this stream (none for a stream no flow
    polls, such as a poll queued before its stream went)."""
    if flow_for_stream(stream) is None:
        return []
    kinds = [
        kind
        for kind, spec in ERP_KINDS.items()
        if spec.connector and supports_stream(connector_class_for(kind), stream)
    ]
    active = Connection.objects.filter(status=ConnectionStatus.ACTIVE, erp_kind__in=kinds)
    return list(active.values_list("pk", flat=True))


def stream_poll(connection_id, stream: str) -> int:
    """Returns how many jobs it asked for."""
    flow = flow_for_stream(stream)
    if flow is None:
        return 0
    connection = Connection.objects.get(pk=connection_id)
    connector_class = connector_class_for(connection.erp_kind)
    if connection.status != ConnectionStatus.ACTIVE or not (
        connector_class and supports_stream(connector_class, stream)
    ):
        return 0
    erp = connector_class(connection, lane=Lane.BACKFILL)
    try:
        return _stream_read(connection, flow, stream, erp)
    finally:
        erp.close()


def _stream_read(connection, flow, stream: str, erp) -> int:
    cursor = cursor_name(stream)
    asked = 0
    for page in getattr(erp, f"changed_{stream}")(read_cursor(connection, cursor)):
        links = store_links(connection, flow.entity, [record.erp_id for record in page])
        with transaction.atomic():
            for record in page:
                link = links.get(record.erp_id.lower())
                if link is None or record.version in (link.written_version, link.seen_version):
                    continue  # not a record we sync, or our own write coming back
                # Live lane: a person's edit in the ERP, written to the store like a webhook's.
                job, needs_run = job_request(
                    connection=connection, kind=flow.kind, source_id=record.erp_id,
                    lane=Lane.LIVE, trigger="poll",
                )  # fmt: skip
                if needs_run:
                    job_dispatch(job.pk, trigger="poll")
                asked += 1
        if page:
            write_cursor(connection.pk, cursor, max(record.modified_at for record in page))
    return asked
