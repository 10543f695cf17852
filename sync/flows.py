"""The flows: every kind of record that moves between the store and an ERP, as data.

A flow is a SyncJob kind: its direction (which also says where a run, and so a replay, reads the
record afresh), the handler that runs one job of it, and what asks for its jobs, either the store's webhook scopes (store → ERP) or an ERP stream that the stream's poll
reads (ERP → store; `ErpConnector.changed_<stream>`). Webhook dispatch, the stream polls and
`sync.jobs.job_run` read this table, so a new flow is a new row and a handler, not new branches.
"""

from dataclasses import dataclass

from django.utils.module_loading import import_string

from connectors.bigcommerce.mapping import LABEL as STORE_LABEL
from connectors.registry import erp_kind as erp_spec
from sync.models import JobKind

TO_ERP = "to_erp"
TO_STORE = "to_store"

ORDER_SCOPES = frozenset({
    "store/order/created",
    "store/order/updated",
    "store/order/statusUpdated",
    "store/order/archived",
    "store/order/refund/created",
    "store/order/transaction/created",
    "store/order/transaction/updated",
})  # fmt: skip
CUSTOMER_SCOPES = frozenset({"store/customer/created", "store/customer/updated"})


@dataclass(frozen=True)
class Flow:
    kind: str  # the SyncJob kind
    entity: str  # the record it moves: "order", "customer", "item" (ExternalLink.entity)
    direction: str  # TO_ERP or TO_STORE
    handler: str  # dotted path of handler(job) -> (state, message)
    scopes: frozenset[str] = frozenset()  # the store's webhooks that ask for a job
    stream: str = ""  # the ERP stream whose changes ask for a job
    # What a run reads when it is not the record afresh from the system it leaves: a catalog
    # push's batch sends its planned rows again (less what a later push wrote since).
    reads: str = ""

    def run(self, job) -> tuple[str, str]:
        return import_string(self.handler)(job)

    def reads_from(self, erp_kind: str) -> str:
        """The system a job's run reads the record from afresh: the one the record leaves."""
        if self.reads:
            return self.reads
        return STORE_LABEL if self.direction == TO_ERP else erp_spec(erp_kind).label


FLOWS: dict[str, Flow] = {
    flow.kind: flow
    for flow in (
        Flow(JobKind.ORDER, "order", TO_ERP, "sync.order_sync.order_sync", scopes=ORDER_SCOPES),
        Flow(
            JobKind.CUSTOMER, "customer", TO_ERP, "sync.order_sync.customer_sync",
            scopes=CUSTOMER_SCOPES,
        ),
        Flow(
            JobKind.CUSTOMER_TO_STORE, "customer", TO_STORE,
            "sync.to_store.customer_to_store", stream="customers",
        ),
        # One batch of a catalog push (catalog/): the push reads the ERP's item changes itself
        # (it owns the items cursor), so no stream poll asks for these jobs record by record.
        Flow(
            JobKind.ITEM_TO_STORE, "item", TO_STORE, "catalog.batches.batch_run",
            reads="its catalog push's plan (less what a later push wrote)",
        ),
    )
}  # fmt: skip


def flow_for_scope(scope: str) -> Flow | None:
    return next((flow for flow in FLOWS.values() if scope in flow.scopes), None)


def flow_for_stream(stream: str) -> Flow | None:
    return next((flow for flow in FLOWS.values() if flow.stream == stream), None)


def streams() -> list[str]:
    return [flow.stream for flow in FLOWS.values() if flow.stream]
