"""How entities travel (IS__con_REST_Entity_Representation_in_JSON): general fields wrapped as
{"value": X}, system fields (id, rowNumber) bare, linked entities nested, details as arrays,
custom fields under `custom`. Field names and kinds come from the contract (contract.py)."""

import math
import uuid

from sandbox.acumatica.contract import SYSTEM_FIELDS, fields, value_type
from sandbox.acumatica.errors import bad_request

JSON_TYPES = {
    "string": (str,), "number": (int, float), "integer": (int,), "boolean": (bool,),
}  # fmt: skip


def _type_ok(value, json_type: str) -> bool:
    if value is None:
        return True
    if isinstance(value, bool) and json_type != "boolean":
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False  # NaN and Infinity parse as JSON numbers here, but are none
    return isinstance(value, JSON_TYPES.get(json_type, (object,)))


def check(entity: str, body, where: str = "") -> None:
    """A request body the contract can read, else 400: every field the entity's, every general
    field wrapped as {"value": …} of its type, linked entities objects, details arrays."""
    if not isinstance(body, dict):
        raise bad_request(f"{where or entity}: expected a JSON object.")
    known = fields(entity)
    for name, sent in body.items():
        path = f"{where}{name}"
        if name in SYSTEM_FIELDS:
            if name == "id" and sent is not None and not _is_guid(sent):
                raise bad_request(f"{path}: '{sent}' is not a GUID.")
            continue
        if name not in known:
            # UNCONFIRMED: how Acumatica words a field its contract lacks; refused either way.
            raise bad_request(f"The field '{path}' is not defined in the entity '{entity}'.")
        kind, target = known[name]
        if kind == "value":
            if not isinstance(sent, dict) or "value" not in sent:
                raise bad_request(
                    f'{path}: a field\'s value must be wrapped as {{"value": …}}, '
                    f"not sent as {sent!r}."
                )
            if not _type_ok(sent["value"], value_type(target)):
                raise bad_request(f"{path}: {sent['value']!r} is not a valid {target}.")
        elif kind == "linked":
            check(target, sent, f"{path}/")
        else:
            if not isinstance(sent, list):
                raise bad_request(f"{path}: a detail must be an array of objects.")
            for number, line in enumerate(sent):
                check(target, line, f"{path}[{number}]/")


def _is_guid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def unwrap(entity: str, data: dict) -> dict:
    """The record with plain values, for $filter (MainContact/Email) and the business rules."""
    known = fields(entity)
    plain = {}
    for name, stored in data.items():
        kind, target = known.get(name, ("system", ""))
        if kind == "value":
            plain[name] = stored.get("value") if isinstance(stored, dict) else stored
        elif kind == "linked" and isinstance(stored, dict):
            plain[name] = unwrap(target, stored)
        elif kind == "detail" and isinstance(stored, list):
            plain[name] = [unwrap(target, line) for line in stored]
        else:
            plain[name] = stored
    return plain


def value(data: dict, name: str, default=None):
    """A general field's plain value in a stored (wrapped) entity."""
    stored = data.get(name)
    if isinstance(stored, dict) and stored.get("value") is not None:
        return stored["value"]
    return default


def wrap(value) -> dict:
    return {"value": value}


def names(text: str) -> set[str]:
    return {part.strip() for part in (text or "").split(",") if part.strip()}


def shown_value(stored) -> dict:
    """A general field as answered: an empty one is `{}`, as Acumatica shows a null."""
    if not isinstance(stored, dict):
        return {}
    return {key: item for key, item in stored.items() if item is not None}


def render(entity: str, data: dict, *, shown=None, expand=(), select=(), prefix="") -> dict:
    """The record as an answer carries it: id, rowNumber, note, custom; its general fields (only
    `shown` ones when given, only $select'ed ones when $select names any at this level); linked
    and detail entities only when expanded (or selected below)."""
    known = fields(entity)
    here = {s[len(prefix) :] for s in select if s.startswith(prefix)}
    top_selected = {s for s in here if "/" not in s}
    deeper = {s.split("/", 1)[0] for s in here if "/" in s}
    opened = {e[len(prefix) :].split("/", 1)[0] for e in expand if e.startswith(prefix)}
    out = {"id": data.get("id"), "rowNumber": data.get("rowNumber", 1),
           "note": shown_value(data.get("note")), "custom": data.get("custom") or {}}  # fmt: skip
    for name, stored in data.items():
        kind, target = known.get(name, ("system", ""))
        if kind == "value":
            wanted = top_selected if top_selected else shown
            if wanted is None or name in wanted:
                out[name] = shown_value(stored)
        elif kind in ("linked", "detail") and (name in opened or name in deeper):
            inner = f"{prefix}{name}/"
            if kind == "linked":
                out[name] = render(target, stored, expand=expand, select=select, prefix=inner)
            else:
                out[name] = [
                    render(target, line, expand=expand, select=select, prefix=inner)
                    for line in stored
                ]
    return out
