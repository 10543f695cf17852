"""The OData subset the sandbox ERPs answer (MYOB's v3, Exact Online's v2-style): $filter,
$orderby, $top, $skip, over JSON entities.

$filter: eq ne gt ge lt le, and or not, parentheses; literals 'text' (with '' for a quote),
numbers, true/false/null, guid'…', datetime'…', datetimeoffset'…', date'…' (Acumatica); paths such as Customer/UID; the functions
substringof, contains (v4), startswith, endswith, tolower, toupper; and Addresses/any(x: x/Email eq '…').
String comparison ignores case, as MYOB's and Exact's SQL collations do (UNCONFIRMED; the
connectors lower-case emails themselves, so it works either way).
"""

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

DEFAULT_PAGE = 400
MAX_PAGE = 1000


class ODataError(ValueError):
    pass


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<typed>(?:guid|datetimeoffset|datetime|date)'[^']*')
    | (?P<string>'(?:[^']|'')*')
    | (?P<number>-?\d+(?:\.\d+)?)[mMdDlLfF]?(?![\w'])
    | (?P<punct>[(),:])
    | (?P<name>[A-Za-z_][\w]*(?:/[A-Za-z_][\w]*)*)
    )""",
    re.VERBOSE,
)
_COMPARE = {"eq", "ne", "gt", "ge", "lt", "le"}
_FUNCTIONS = {"substringof", "contains", "startswith", "endswith", "tolower", "toupper", "trim",
              "length"}  # fmt: skip


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ODataError(f"Cannot parse the filter near '{text[pos : pos + 20]}'")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def parse_datetime(value: str) -> datetime:
    value = value.strip().replace(" ", "T").rstrip("Z")
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise ODataError(f"'{value}' is not a date") from exc


def _literal(kind: str, value: str):
    if kind == "typed":
        prefix, _, rest = value.partition("'")
        inner = rest[:-1]
        if prefix == "guid":
            return inner.lower()
        return parse_datetime(inner)
    if kind == "string":
        return value[1:-1].replace("''", "'")
    if kind == "number":
        return Decimal(value)
    return value


def resolve(entity, path: str):
    """The value at `a/b/c` in a nested dict; None where any step is missing."""
    value = entity
    for part in path.split("/"):
        if not isinstance(value, dict):
            return None
        if part in value:
            value = value[part]
        else:
            lowered = {k.lower(): v for k, v in value.items()}
            value = lowered.get(part.lower())
    return value


def _coerce(left, right):
    """Bring two operands to comparable types (entity values come as JSON scalars)."""
    if isinstance(right, datetime) and isinstance(left, str):
        return _same_zone(parse_datetime(left), right)
    if isinstance(left, datetime) and isinstance(right, str):
        return _same_zone(left, parse_datetime(right))
    if isinstance(right, Decimal) and isinstance(left, int | float) and not isinstance(left, bool):
        return Decimal(str(left)), right
    if isinstance(left, Decimal) and isinstance(right, int | float) and not isinstance(right, bool):
        return left, Decimal(str(right))
    if isinstance(left, str) and isinstance(right, str):
        return left.lower(), right.lower()
    return left, right


def _same_zone(left: datetime, right: datetime) -> tuple[datetime, datetime]:
    """An offset-less side of a comparison with an offset (Acumatica's datetimeoffset) is UTC."""
    if (left.tzinfo is None) != (right.tzinfo is None):
        left = left if left.tzinfo else left.replace(tzinfo=UTC)
        right = right if right.tzinfo else right.replace(tzinfo=UTC)
    return left, right


def _compare(op: str, left, right) -> bool:
    if left is None or right is None:
        if op == "eq":
            return left is None and right is None
        if op == "ne":
            return not (left is None and right is None)
        return False
    left, right = _coerce(left, right)
    try:
        return {
            "eq": left == right,
            "ne": left != right,
            "gt": left > right,
            "ge": left >= right,
            "lt": left < right,
            "le": left <= right,
        }[op]
    except TypeError as exc:
        raise ODataError(f"Cannot compare {left!r} with {right!r}") from exc


def _call(name: str, args: list):
    def text(value) -> str:
        return "" if value is None else str(value)

    if name == "substringof":
        return text(args[0]).lower() in text(args[1]).lower()
    if name == "contains":  # OData v4 (Business Central): contains(haystack, needle)
        return text(args[1]).lower() in text(args[0]).lower()
    if name == "startswith":
        return text(args[0]).lower().startswith(text(args[1]).lower())
    if name == "endswith":
        return text(args[0]).lower().endswith(text(args[1]).lower())
    if name == "tolower":
        return text(args[0]).lower()
    if name == "toupper":
        return text(args[0]).upper()
    if name == "trim":
        return text(args[0]).strip()
    return Decimal(len(text(args[0])))  # length


class _Parser:
    """Recursive descent; each rule returns a function of (entity, variables) -> value."""

    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self, offset=0):
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else (None, None)

    def take(self, value=None):
        token = self.peek()
        if token[0] is None or (value is not None and token[1].lower() != value):
            raise ODataError(f"Expected {value or 'more'} in the filter, found {token[1]!r}")
        self.pos += 1
        return token

    def keyword(self, word: str) -> bool:
        kind, value = self.peek()
        if kind == "name" and value.lower() == word:
            self.pos += 1
            return True
        return False

    def parse(self):
        expr = self.or_expr()
        if self.pos != len(self.tokens):
            raise ODataError(f"Unexpected {self.peek()[1]!r} in the filter")
        return expr

    def or_expr(self):
        parts = [self.and_expr()]
        while self.keyword("or"):
            parts.append(self.and_expr())
        if len(parts) == 1:
            return parts[0]
        return lambda e, v: any(p(e, v) for p in parts)

    def and_expr(self):
        parts = [self.not_expr()]
        while self.keyword("and"):
            parts.append(self.not_expr())
        if len(parts) == 1:
            return parts[0]
        return lambda e, v: all(p(e, v) for p in parts)

    def not_expr(self):
        if self.keyword("not"):
            inner = self.not_expr()
            return lambda e, v: not inner(e, v)
        return self.comparison()

    def comparison(self):
        left = self.primary()
        kind, value = self.peek()
        if kind == "name" and value.lower() in _COMPARE:
            self.pos += 1
            right = self.primary()
            op = value.lower()
            return lambda e, v: _compare(op, left(e, v), right(e, v))
        return left

    def primary(self):
        kind, value = self.peek()
        if kind == "punct" and value == "(":
            self.take("(")
            inner = self.or_expr()
            self.take(")")
            return inner
        if kind in ("typed", "string", "number"):
            self.pos += 1
            literal = _literal(kind, value)
            return lambda e, v: literal
        if kind != "name":
            raise ODataError(f"Unexpected {value!r} in the filter")
        self.pos += 1
        lowered = value.lower()
        if lowered in ("true", "false"):
            return lambda e, v: lowered == "true"
        if lowered == "null":
            return lambda e, v: None
        if lowered in _FUNCTIONS and self.peek() == ("punct", "("):
            return self.function(lowered)
        head, _, last = value.rpartition("/")
        if last.lower() in ("any", "all") and head and self.peek() == ("punct", "("):
            return self.lambda_(head, last.lower())
        return self.path(value)

    def function(self, name):
        self.take("(")
        args = [self.or_expr()]
        while self.peek() == ("punct", ","):
            self.take(",")
            args.append(self.or_expr())
        self.take(")")
        return lambda e, v: _call(name, [a(e, v) for a in args])

    def lambda_(self, collection_path, quantifier):
        self.take("(")
        variable = self.take()[1]
        self.take(":")
        body = self.or_expr()
        self.take(")")
        collection = self.path(collection_path)
        test = any if quantifier == "any" else all

        def run(e, v):
            items = collection(e, v) or []
            return test(body(e, {**v, variable: item}) for item in items)

        return run

    def path(self, value):
        first, _, rest = value.partition("/")

        def run(e, v):
            if first in v:
                return resolve(v[first], rest) if rest else v[first]
            return resolve(e, value)

        return run


def compile_filter(text: str):
    """A predicate over entities; ODataError when the text is not a filter MYOB would take."""
    expr = _Parser(text).parse()
    return lambda entity: bool(expr(entity, {}))


def sort(entities: list[dict], orderby: str) -> list[dict]:
    keys = []
    for part in orderby.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise ODataError(f"Cannot order by '{part.strip()}'")
        keys.append((words[0], len(words) == 2 and words[1] == "desc"))
    for path, descending in reversed(keys):  # stable sorts, last key first
        entities = sorted(
            entities, key=lambda e, p=path: _sort_key(resolve(e, p)), reverse=descending
        )
    return entities


def _sort_key(value):
    if value is None:
        return (0, "")
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (1, Decimal(str(value)))
    return (2, str(value).lower())


def page_args(params, default: int = DEFAULT_PAGE, most: int = MAX_PAGE) -> tuple[int, int]:
    """($top, $skip): MYOB pages 400 by default, never more than 1000; Exact pages 60."""
    try:
        top = int(params.get("$top", default))
        skip = int(params.get("$skip", 0))
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise ODataError("$top and $skip must be whole numbers") from exc
    if top < 0 or skip < 0:
        raise ODataError("$top and $skip cannot be negative")
    return min(top, most), skip
