"""The official Default/24.200.001 contract (contract/NOTICE.md): the sandbox takes every entity's
field names and their kinds from it, so a field the file lacks is one the sandbox lacks too."""

import functools
import gzip
import json
from pathlib import Path

FILE = Path(__file__).resolve().parent / "contract" / "Default_24.200.001.openapi.json.gz"
CONTRACT_VERSION = "24.200.001"
# Bare on the wire (the `Entity` schema's own properties); everything else is wrapped or nested.
SYSTEM_FIELDS = {"id", "rowNumber", "note", "custom", "error", "files", "delete", "_links"}


@functools.cache
def document() -> dict:
    return json.loads(gzip.decompress(FILE.read_bytes()))


def _name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _is_value_type(name: str) -> bool:
    return name.endswith("Value") and name not in ("AttributeValue", "AttributeDefinitionValue")


@functools.cache
def fields(entity: str) -> dict[str, tuple[str, str]]:
    """{field: (kind, type)} of an entity schema: kind "value" (type: StringValue, DecimalValue…),
    "linked" (type: the nested entity) or "detail" (type: each line's entity). {} when unknown."""
    schema = document()["components"]["schemas"].get(entity)
    if schema is None:
        return {}
    found = {}
    for part in schema.get("allOf", [schema]):
        for name, spec in part.get("properties", {}).items():
            if "$ref" in spec:
                target = _name(spec["$ref"])
                found[name] = ("value" if _is_value_type(target) else "linked", target)
            elif spec.get("type") == "array" and "$ref" in spec.get("items", {}):
                found[name] = ("detail", _name(spec["items"]["$ref"]))
    return found


def value_type(type_name: str) -> str:
    """The JSON type a `…Value` schema's `value` holds (string, number, integer, boolean)."""
    schema = document()["components"]["schemas"][type_name]
    return schema["properties"]["value"].get("type", "string")
