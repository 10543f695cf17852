"""Records in and out: PUT as upsert (by id, by key fields, else insert with the next number;
If-None-Match: * insert only, If-Match: * update only → 412), PATCH of exactly the sent fields
(404 when missing), lookups by id or keys, the inquiries' rows."""

import copy
import uuid
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone

from django.db import transaction
from django.utils import timezone

from sandbox.acumatica import changes, wire
from sandbox.acumatica.contract import fields
from sandbox.acumatica.errors import AcuError, field_error, not_found
from sandbox.acumatica.models import AcuRecord, AcuTenant
from sandbox.acumatica.rules import ENTITIES, ITEM_ENTITIES, FieldProblem


def stamp(tenant: AcuTenant, moment: datetime | None = None) -> str:
    """The server's clock in the instance's time zone, as Acumatica writes DateTimeValues."""
    zone = dt_timezone(timedelta(minutes=tenant.instance.utc_offset_minutes))
    moment = (moment or timezone.now()).astimezone(zone)
    return moment.isoformat(timespec="milliseconds")


def key_of(name: str, data: dict) -> str | None:
    spec, _ = ENTITIES[name]
    values = [wire.value(data, key) for key in spec.keys]
    if not spec.keys or any(v in (None, "") for v in values):
        return None
    return "/".join(str(v) for v in values)


def find(tenant: AcuTenant, name: str, *, guid=None, keys=None, lock=False) -> AcuRecord | None:
    records = AcuRecord.objects.filter(tenant=tenant, entity=name)
    if lock:
        records = records.select_for_update()
    if guid is not None:
        try:
            return records.filter(guid=uuid.UUID(str(guid))).first()
        except ValueError:
            return None
    return records.filter(keys=keys).first() if keys else None


def get(tenant: AcuTenant, name: str, path: str) -> AcuRecord:
    """GET <Entity>/<id guid> or <Entity>/<key1>/<key2>; 404 when there is none."""
    parts = [p for p in path.split("/") if p]
    record = None
    if len(parts) == 1:
        record = find(tenant, name, guid=parts[0])
    if record is None:
        record = find(tenant, name, keys="/".join(parts))
    if record is None:
        raise not_found()
    return record


def merge(entity: str, base: dict, sent: dict, line_keys: dict | None = None) -> dict:
    """`base` with the sent fields written over it: a linked entity merged field by field, a
    detail's lines matched by id (or line key: LineNbr, WarehouseID), `delete: true` removing one,
    other lines added."""
    known = fields(entity)
    for name, value in sent.items():
        kind, target = known.get(name, ("system", ""))
        if kind == "value":
            base[name] = {"value": value.get("value")}
        elif kind == "linked":
            base[name] = merge(target, base.get(name) or {"id": str(uuid.uuid4())}, value)
        elif kind == "detail":
            base[name] = _merge_lines(target, base.get(name) or [], value,
                                      (line_keys or {}).get(name))  # fmt: skip
        elif name in ("note", "custom"):
            base[name] = value
    return base


def _merge_lines(entity: str, lines: list, sent: list, line_key: str | None) -> list:
    lines = [dict(line) for line in lines]
    for line in sent:
        match = next((old for old in lines if line.get("id") and old.get("id") == line["id"]), None)
        if match is None and line_key and wire.value(line, line_key) is not None:
            match = next(
                (old for old in lines if wire.value(old, line_key) == wire.value(line, line_key)),
                None,
            )
        if line.get("delete") and match is not None:
            lines.remove(match)
        elif match is not None:
            merge(entity, match, line)
        elif not line.get("delete"):
            lines.append(merge(entity, {"id": str(uuid.uuid4())}, line))
    for number, line in enumerate(lines, start=1):
        line["rowNumber"] = number
    return lines


def _with_error(sent: dict, path: tuple, message: str) -> dict:
    """The entity as sent, `error` on the failing field (created when it was not sent)."""
    body = copy.deepcopy(sent)
    node = body
    for step in path[:-1]:
        node = node[step] if isinstance(step, int) else node.setdefault(step, {})
    leaf = node.setdefault(path[-1], {})
    if isinstance(leaf, dict) and leaf.get("value") is None:
        leaf.pop("value", None)  # a null is shown as no value
    leaf["error"] = message
    return body


def save(tenant: AcuTenant, name: str, body: dict, *, patch=False, if_match=False,
         if_none_match=False) -> tuple[AcuRecord, dict | None]:  # fmt: skip
    """Write `body` (already checked by wire.check); (record, the record before or None)."""
    spec, prepare = ENTITIES[name]
    with transaction.atomic():
        AcuTenant.objects.select_for_update().filter(pk=tenant.pk).first()  # one writer a tenant
        existing = None
        if body.get("id"):
            existing = find(tenant, name, guid=body["id"], lock=True)
        if existing is None and (keys := key_of(name, body)):
            existing = find(tenant, name, keys=keys, lock=True)
        if patch and existing is None:
            raise not_found()
        if if_none_match and existing is not None:
            raise AcuError(412, "The entity already exists and cannot be inserted.",
                           kind="PX.Api.ContractBased.EntityAlreadyExistsException")  # fmt: skip
        if if_match and existing is None:
            raise AcuError(412, "The entity does not exist and cannot be updated.",
                           kind="PX.Api.ContractBased.NoEntitySatisfiesTheConditionException")  # fmt: skip
        before = copy.deepcopy(existing.data) if existing else None
        fresh = {"id": str(existing.guid if existing else uuid.uuid4()), "rowNumber": 1}
        data = merge(name, copy.deepcopy(before) if before else fresh, body, spec.line_keys)
        try:
            prepare(tenant, data, body, before)
        except FieldProblem as problem:
            raise field_error(
                _with_error(body, problem.path, problem.message), problem.message
            ) from None
        now = timezone.now()
        for field in spec.stamps + (() if before else spec.created):
            data[field] = wire.wrap(stamp(tenant, now))
        record = existing or AcuRecord(tenant=tenant, entity=name, guid=data["id"], created=now)
        record.data, record.keys, record.modified = data, key_of(name, data) or "", now
        record.save()
        if name in ITEM_ENTITIES:
            after = copy.deepcopy(data)
            transaction.on_commit(lambda: changes.records_changed(tenant, name, before, after))
    return record, before


def delete(tenant: AcuTenant, name: str, path: str) -> None:
    with transaction.atomic():
        record = get(tenant, name, path)
        before = record.data
        record.delete()
        if name in ITEM_ENTITIES:
            transaction.on_commit(lambda: changes.records_changed(tenant, name, before, None))


def listed(tenant: AcuTenant, name: str) -> list[AcuRecord]:
    return list(AcuRecord.objects.filter(tenant=tenant, entity=name).order_by("created", "pk"))


# --- inquiries ---------------------------------------------------------------------------------
def _qty(item: AcuRecord, warehouse=None) -> float:
    total = 0.0
    for line in item.data.get("WarehouseDetails") or []:
        if warehouse is None or wire.value(line, "WarehouseID") == warehouse:
            total += float(wire.value(line, "QtyOnHand", 0))
    return total


def _since(text) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def inquire(tenant: AcuTenant, name: str, body: dict) -> dict:
    """An inquiry's answer: its parameters as sent and its Results rows. QtyAvailable is the
    quantity on hand (the sandbox allocates nothing to orders or shipments)."""
    inventory_id = wire.value(body, "InventoryID")
    items = [i for i in listed(tenant, "StockItem") if inventory_id in (None, i.keys)]
    rows = []
    if name == "InventoryQuantityAvailable":
        # UNCONFIRMED: the generic inquiry's LastModifiedDateTime parameter read as "changed since".
        since = _since(wire.value(body, "LastModifiedDateTime"))
        for item in items:
            if since and item.modified < since:
                continue
            rows.append({"InventoryID": wire.wrap(item.keys), "QtyAvailable": wire.wrap(_qty(item)),
                         "LastModifiedDateTime": item.data.get("LastModifiedDateTime")})  # fmt: skip
    else:
        warehouse = wire.value(body, "WarehouseID")
        for item in items:
            for line in item.data.get("WarehouseDetails") or []:
                where = wire.value(line, "WarehouseID")
                if warehouse not in (None, where):
                    continue
                qty = _qty(item, where)
                rows.append({
                    "WarehouseID": wire.wrap(where), "QtyOnHand": wire.wrap(qty),
                    "QtyAvailable": wire.wrap(qty), "QtyAvailableForShipment": wire.wrap(qty),
                    "QtyNotAvailable": wire.wrap(0.0), "BaseUOM": wire.wrap("EA"),
                })  # fmt: skip
    results = [{"id": str(uuid.uuid4()), "rowNumber": n, "custom": {}, **row}
               for n, row in enumerate(rows, start=1)]  # fmt: skip
    return {**body, "id": str(uuid.uuid4()), "Results": results}
