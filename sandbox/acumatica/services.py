"""Driving the sandbox Acumatica (tests and the demo): instances with their licence, tenants with
reference lists, connected applications, users, records, fault switches and what was asked."""

import uuid
from collections import Counter

from django.db import transaction

from sandbox.acumatica import records as store
from sandbox.acumatica import wire
from sandbox.acumatica.models import (
    AcuApp,
    AcuCall,
    AcuInstance,
    AcuRecord,
    AcuTenant,
    AcuUser,
)
from sandbox.models import TokenRequest

REFERENCE = {
    "customer_classes": ["DEFAULT", "WEB", "WHOLESALE"],
    "order_types": ["SO", "IN", "CM"],
    "payment_methods": ["CASH", "CHECK", "CREDITCARD", "BIGCOMMERCE"],
    "cash_accounts": ["10200", "10250", "10400"],
    "warehouses": ["WHOLESALE", "RETAIL", "MAIN"],
    "branches": ["MAIN", "EAST"],
}


def instance_create(slug: str, *, versions=None, api_users: int = 2, requests_per_minute: int = 0,
                    concurrent: int = 0, **fields) -> AcuInstance:  # fmt: skip
    """An instance at /sandbox/acumatica/<slug>/. Licence: `api_users` sessions (a trial's 2),
    `requests_per_minute` and `concurrent` (0: none, as a trial licence), window_seconds (the
    throttle's "minute"), max_queue (20), session_idle_seconds (600), utc_offset_minutes."""
    extra = {"versions": list(versions)} if versions else {}
    return AcuInstance.objects.create(
        slug=slug, api_users=api_users, requests_per_minute=requests_per_minute,
        concurrent=concurrent, **extra, **fields,
    )  # fmt: skip


def tenant_create(instance: AcuInstance, name: str, **fields) -> AcuTenant:
    """A tenant with its reference lists (customer classes, order types SO/IN/CM, payment
    methods, cash accounts, warehouses, branches); change them with reference_set."""
    reference = {kind: list(values) for kind, values in REFERENCE.items()}
    return AcuTenant.objects.create(instance=instance, name=name, reference=reference, **fields)


def reference_set(tenant: AcuTenant, kind: str, values) -> AcuTenant:
    tenant.reference = {**tenant.reference, kind: list(values)}
    AcuTenant.objects.filter(pk=tenant.pk).update(reference=tenant.reference)
    return tenant


def app_create(tenant: AcuTenant, *, redirect_uri: str = "", refresh_days: int = 30,
               client_secret: str = "", **fields) -> AcuApp:  # fmt: skip
    """A connected application: client_id `<GUID>@<Tenant>` and its shared secret."""
    return AcuApp.objects.create(
        tenant=tenant, client_id=f"{str(uuid.uuid4()).upper()}@{tenant.name}",
        client_secret=client_secret or f"sbx-acu-secret-{uuid.uuid4().hex[:16]}",
        redirect_uri=redirect_uri, refresh_days=refresh_days, **fields,
    )  # fmt: skip


def user_create(tenant: AcuTenant, username: str, password: str, branch: str = "MAIN") -> AcuUser:
    return AcuUser.objects.create(
        tenant=tenant, username=username, password=password, branch=branch
    )


def record_put(tenant: AcuTenant, entity: str, fields: dict) -> AcuRecord:
    """A record saved as a PUT of `fields` would (plain values are wrapped here)."""
    body = _wrapped(entity, fields)
    wire.check(entity, body)
    record, _ = store.save(tenant, entity, body)
    return record


def _wrapped(entity: str, plain: dict) -> dict:
    from sandbox.acumatica.contract import fields as contract_fields

    known = contract_fields(entity)
    body = {}
    for name, value in plain.items():
        kind, target = known.get(name, ("system", ""))
        if kind == "value":
            body[name] = value if isinstance(value, dict) and "value" in value else wire.wrap(value)
        elif kind == "linked":
            body[name] = _wrapped(target, value)
        elif kind == "detail":
            body[name] = [_wrapped(target, line) for line in value]
        else:
            body[name] = value
    return body


def stock_item_set(tenant: AcuTenant, inventory_id: str, *, price=None, cost=None,
                   qty_by_warehouse: dict | None = None, description=None) -> AcuRecord:  # fmt: skip
    """A person's edit of a stock item in Acumatica (created when missing): stamps
    LastModified/LastModifiedDateTime and runs the change hook, as an API write does."""
    fields = {"InventoryID": inventory_id}
    if price is not None:
        fields["DefaultPrice"] = float(price)
    if cost is not None:
        fields["CurrentStdCost"] = float(cost)
    if description is not None:
        fields["Description"] = description
    if qty_by_warehouse:
        fields["WarehouseDetails"] = [
            {"WarehouseID": warehouse, "QtyOnHand": float(qty)}
            for warehouse, qty in qty_by_warehouse.items()
        ]
    return record_put(tenant, "StockItem", fields)


def records(tenant: AcuTenant, entity: str) -> list[dict]:
    """The entity's records as stored (wrapped values), oldest first."""
    return [record.data for record in store.listed(tenant, entity)]


def plain_records(tenant: AcuTenant, entity: str) -> list[dict]:
    return [wire.unwrap(entity, data) for data in records(tenant, entity)]


def faults_set(tenant: AcuTenant, **switches) -> AcuTenant:
    """fault_error_rate, fault_latency_ms, fault_rate_limited (next N calls 429),
    fault_expired_token (next N calls 401, the token expires), fault_create_then_error /
    fault_create_then_hang (the next N inserts commit, then 500 / hang fault_hang_ms; only of
    fault_create_resource, an entity name, when set), action_polls."""
    AcuTenant.objects.filter(pk=tenant.pk).update(**switches)
    tenant.refresh_from_db()
    return tenant


def licence_set(instance: AcuInstance, **limits) -> AcuInstance:
    """api_users, requests_per_minute, concurrent, window_seconds, max_queue,
    session_idle_seconds, versions."""
    AcuInstance.objects.filter(pk=instance.pk).update(**limits)
    instance.refresh_from_db()
    return instance


def call_counts(tenant_or_instance) -> dict:
    """Calls answered, 429s, the most started in one throttle window, and the longest delay."""
    if isinstance(tenant_or_instance, AcuTenant):
        calls = AcuCall.objects.filter(tenant=tenant_or_instance)
        window = tenant_or_instance.instance.window_seconds
    else:
        calls = AcuCall.objects.filter(instance=tenant_or_instance)
        window = tenant_or_instance.window_seconds
    starts = calls.exclude(started_at=None).values_list("started_at", flat=True)
    per_window = Counter(int(moment.timestamp() // window) for moment in starts)
    return {
        "calls": calls.count(),
        "429": calls.filter(status_code=429).count(),
        "peak": max(per_window.values(), default=0),
        "max_delay_ms": max(calls.values_list("delay_ms", flat=True), default=0),
    }


def token_calls(client_id: str, grant_type: str = "") -> int:
    calls = TokenRequest.objects.filter(vendor=AcuApp.VENDOR, client_id=client_id)
    return calls.filter(grant_type=grant_type).count() if grant_type else calls.count()


def demo_tokens(app: AcuApp, user: AcuUser) -> dict:
    """A consented token for the app's tenant as `user`, shaped as the token endpoint answers."""
    from sandbox.acumatica.oauth import issue_token, token_body

    return token_body(issue_token(app, user))


@transaction.atomic
def demo_instance(slug: str = "demo", tenant_name: str = "DemoCo") -> AcuTenant:
    """An instance and tenant with the sandbox store's items (the demo's Acumatica)."""
    instance = AcuInstance.objects.filter(slug=slug).first() or instance_create(slug)
    tenant = AcuTenant.objects.filter(instance=instance, name=tenant_name).first()
    if tenant is None:
        tenant = tenant_create(instance, tenant_name)
        for sku, description, price in DEMO_ITEMS:
            stock_item_set(tenant, sku, price=price, description=description,
                           qty_by_warehouse={"WHOLESALE": 25})  # fmt: skip
    return tenant


DEMO_ITEMS = [
    ("TENT-2P", "Two-person tent", "349.00"), ("PACK-30L", "30 L daypack", "129.95"),
    ("STOVE-1", "Camp stove", "89.00"), ("MUG-STEEL", "Steel mug", "19.50"),
    ("JACKET-S", "Rain jacket S", "199.00"), ("JACKET-M", "Rain jacket M", "199.00"),
    ("JACKET-L", "Rain jacket L", "199.00"),
]  # fmt: skip
