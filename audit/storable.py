"""What PostgreSQL can store: neither U+0000 (in text or jsonb) nor an unpaired surrogate (in
jsonb). Vendors' answers and webhook headers may hold both; they are kept with U+FFFD instead."""

import re

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value):
    """`value` with every such character in its text, keys and items replaced by U+FFFD."""
    if isinstance(value, str):
        return UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    return value
