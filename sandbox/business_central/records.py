"""The sandbox BC's record store: numbering, ETags, every write appended as a BcChange (in the
write's transaction), and an entity rendered as the API answers it."""

import base64
import uuid
from decimal import Decimal

from django.db import transaction

from sandbox.business_central import clock
from sandbox.business_central.models import BcChange, BcCompany, BcRecord
from sandbox.business_central.schema import ENTITY_SETS, SERIES


def stamp() -> str:
    """lastModifiedDateTime as BC writes it: UTC, milliseconds, Z."""
    moment = clock.now()
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def next_number(company: BcCompany, series: str) -> str:
    """The series' next number; the company row is locked until the caller's transaction ends."""
    prefix, first, step, width = SERIES[series]
    locked = BcCompany.objects.select_for_update().get(pk=company.pk)
    last = locked.numbers.get(series)
    value = first if last is None else last + step
    locked.numbers = {**locked.numbers, series: value}
    locked.save(update_fields=["numbers"])
    return f"{prefix}{value:0{width}d}" if width else f"{prefix}{value}"


def etag(record_key: str, version: int) -> str:
    """W/"JzE5OzE7Jw==" style: base64 of a quoted '<length>;<key and version>;' as BC's are."""
    payload = f"{record_key}{version};"
    inner = f"'{len(payload)};{payload}'"
    return f'W/"{base64.b64encode(inner.encode()).decode()}"'


def record_etag(record: BcRecord) -> str:
    return etag(f"{record.pk};", record.version)


def line_etag(record: BcRecord, line: dict) -> str:
    return etag(f"{line['id']};", line.get("_version", 1))


def changed(company: BcCompany, entity_set: str, record_id, change_type: str) -> None:
    BcChange.objects.create(company=company, entity_set=entity_set, record_id=record_id,
                            change_type=change_type, at=clock.now())  # fmt: skip


def listed(company: BcCompany, entity_set: str):
    return BcRecord.objects.filter(company=company, entity_set=entity_set).order_by("number", "pk")


def find(company: BcCompany, entity_set: str, *, record_id=None, number=None):
    rows = BcRecord.objects.filter(company=company, entity_set=entity_set)
    if record_id is not None:
        try:
            return rows.filter(record_id=uuid.UUID(str(record_id))).first()
        except ValueError:
            return None
    return rows.filter(number=number).first() if number else None


def locked(record: BcRecord) -> BcRecord:
    return BcRecord.objects.select_for_update().get(pk=record.pk)


def create(company: BcCompany, entity_set: str, data: dict, *, record_id=None) -> BcRecord:
    """A new record from `data` (missing fields empty); callers hold a transaction."""
    spec = ENTITY_SETS[entity_set]
    new_id = uuid.UUID(str(record_id)) if record_id else uuid.uuid4()
    full = {**spec.fields, **data}
    full["id"] = str(new_id)
    full["lastModifiedDateTime"] = stamp()
    record = BcRecord.objects.create(
        company=company, entity_set=entity_set, record_id=new_id,
        number=str(full.get(spec.number_field, ""))[:40], data=full,
        last_modified=clock.now(),
    )  # fmt: skip
    changed(company, entity_set, new_id, BcChange.Type.CREATED)
    return record


def save(record: BcRecord, data: dict) -> BcRecord:
    """Store `data` as the record's new fields: a new version, stamped, a change appended."""
    spec = ENTITY_SETS[record.entity_set]
    data = {**data, "lastModifiedDateTime": stamp()}
    record.data = data
    record.number = str(data.get(spec.number_field, ""))[:40]
    record.version += 1
    record.last_modified = clock.now()
    record.save(update_fields=["data", "number", "version", "last_modified"])
    changed(record.company, record.entity_set, record.record_id, BcChange.Type.UPDATED)
    return record


def flowfield_set(record: BcRecord, name: str, value) -> None:
    """A computed field's new value (a FlowField such as a customer's balanceDue): the record
    itself is not modified, so no version, stamp or change."""
    record.data = {**record.data, name: value}
    record.save(update_fields=["data"])


def delete(record: BcRecord) -> None:
    changed(record.company, record.entity_set, record.record_id, BcChange.Type.DELETED)
    record.delete()


def visible(data: dict, entity_set: str) -> dict:
    """The fields the API shows, in the page's order (no lines, no sandbox-only keys)."""
    spec = ENTITY_SETS[entity_set]
    return {name: _wire(data.get(name, empty)) for name, empty in spec.fields.items()}


def _wire(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def render(record: BcRecord, *, expand=(), select=()) -> dict:
    """The entity as GET answers it: @odata.etag, the fields ($select keeps those named), and
    the lines when $expand names them."""
    spec = ENTITY_SETS[record.entity_set]
    body = {"@odata.etag": record_etag(record)}
    fields = visible(record.data, record.entity_set)
    if select:
        fields = {name: value for name, value in fields.items() if name in select}
    body.update(fields)
    if spec.lines and spec.lines in expand:
        body[spec.lines] = [render_line(record, line) for line in lines_of(record)]
    return body


def lines_of(record: BcRecord) -> list[dict]:
    spec = ENTITY_SETS[record.entity_set]
    return sorted(record.data.get(spec.lines, []), key=lambda line: line.get("sequence", 0))


def render_line(record: BcRecord, line: dict, *, select=()) -> dict:
    spec = ENTITY_SETS[record.entity_set]
    fields = visible(line, spec.lines)
    if select:
        fields = {name: value for name, value in fields.items() if name in select}
    return {"@odata.etag": line_etag(record, line), **fields}


@transaction.atomic
def put(company: BcCompany, entity_set: str, number: str, **fields) -> BcRecord:
    """A person's edit in BC: the record numbered `number` gets `fields` (created when
    missing), as an API write would (stamped, versioned, a change appended)."""
    spec = ENTITY_SETS[entity_set]
    found = find(company, entity_set, number=number)
    if found is None:
        return create(company, entity_set, {spec.number_field: number, **fields})
    record = locked(found)
    return save(record, {**record.data, **fields})
