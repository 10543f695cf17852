"""COMFND, the generic table query (recorded): <Query><TableName/><ReturnRows/><Columns/>
<Where><Expression><OpenBracket/><AndOr/><Column/><Condition/><Value/><CloseBracket/>
</Expression>…</Where><OrderBy/></Query> → <TableName …><HeaderDetails/><Row/>…<RowsReturned/>.
Comparisons ignore case and trailing spaces, as SQL Server's default collation does
(UNCONFIRMED for a given site); And binds tighter than Or, brackets group."""

import re
from decimal import Decimal, InvalidOperation

from sandbox.syspro import tables, xmlio
from sandbox.syspro.errors import SysproError

CONDITIONS = {"EQ", "NE", "LT", "GT", "LE", "GE", "LIKE"}
DEFAULT_ROWS = 100  # when ReturnRows is missing (UNCONFIRMED)


def query(company, request) -> bytes:
    table = tables.table_name(xmlio.text(request, "TableName"))
    if table is None:
        raise SysproError(f"Table '{xmlio.text(request, 'TableName')}' is not a valid table")
    known = tables.COLUMNS[table]
    columns = [_column(known, xmlio.text(c)) for c in xmlio.children(
        xmlio.child(request, "Columns"), "Column")] or known  # fmt: skip
    order_by = [_column(known, xmlio.text(c)) for c in xmlio.children(
        xmlio.child(request, "OrderBy"), "Column")]  # fmt: skip
    where = _where(known, xmlio.child(request, "Where"))
    limit = _rows_wanted(xmlio.text(request, "ReturnRows"))
    found = [row for row in tables.rows(company, table) if where(row)]
    for column in reversed(order_by):
        found.sort(key=lambda row, c=column: _key(c, row[c]))
    found = found[:limit]

    answer = xmlio.root(table)
    header = xmlio.add(answer, "HeaderDetails")
    xmlio.add(header, "TableName", table)
    listed = xmlio.add(header, "Columns")
    for column in columns:
        xmlio.add(listed, "Column", column)
    if order_by:
        ordered = xmlio.add(header, "OrderBy")
        for column in order_by:
            xmlio.add(ordered, "Column", column)
    for row in found:
        element = xmlio.add(answer, "Row")
        for column in columns:
            xmlio.add(element, column, row[column])
    xmlio.add(answer, "RowsReturned", f"{len(found):>7}")  # recorded: "      1"
    return xmlio.document(answer)


def _column(known: list[str], name: str) -> str:
    found = next((c for c in known if c.lower() == name.lower()), None)
    if found is None:
        raise SysproError(f"Column '{name}' is not a valid column")
    return found


def _rows_wanted(value: str) -> int:
    if not value:
        return DEFAULT_ROWS
    try:
        wanted = int(value)
    except ValueError:
        raise SysproError(f"ReturnRows '{value}' is not numeric") from None
    return max(wanted, 0)


def _key(column: str, value: str):
    """SQL Server's order: numeric columns by value, text ignoring case and trailing spaces."""
    if column in tables.NUMERIC:
        return (_number(value) or 0, "")
    return (0, value.rstrip().lower())


def _number(value: str):
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        return None
    return number if number.is_finite() else None


def _compare(column: str, condition: str, left: str, right: str) -> bool:
    left, right = left.rstrip().lower(), right.rstrip().lower()
    if condition == "LIKE":
        pattern = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch)
                          for ch in right)  # fmt: skip
        return re.fullmatch(pattern, left, re.DOTALL) is not None
    a, b = left, right  # a code such as StockCode is text: "100" < "99", as in SQL
    if column in tables.NUMERIC:
        a, b = _number(left), _number(right)
        if b is None:
            raise SysproError(f"Value '{right}' is not numeric for column {column}")
        a = a or 0
    return {"EQ": a == b, "NE": a != b, "LT": a < b, "GT": a > b, "LE": a <= b,
            "GE": a >= b}[condition]  # fmt: skip


def _where(known: list[str], where):
    """A predicate on a row; the expressions become tokens ("(", ")", "and", "or", test)."""
    tokens = []
    for index, expression in enumerate(xmlio.children(where, "Expression")):
        and_or = xmlio.text(expression, "AndOr", default="And").lower()
        if and_or not in ("and", "or"):
            raise SysproError(f"AndOr '{and_or}' is not valid")
        if index:
            tokens.append(and_or)
        tokens.extend("(" * xmlio.text(expression, "OpenBracket").count("("))
        column = _column(known, xmlio.text(expression, "Column"))
        condition = xmlio.text(expression, "Condition", default="EQ").upper()
        if condition not in CONDITIONS:
            raise SysproError(f"Condition '{condition}' is not valid")
        value = xmlio.text(expression, "Value")
        tokens.append((column, condition, value))
        tokens.extend(")" * xmlio.text(expression, "CloseBracket").count(")"))
    if tokens.count("(") != tokens.count(")"):
        raise SysproError("The Where brackets do not match")
    return lambda row: _evaluate(tokens, row) if tokens else True


def _evaluate(tokens, row) -> bool:
    position = 0

    def disjunction():
        nonlocal position
        result = conjunction()
        while position < len(tokens) and tokens[position] == "or":
            position += 1
            result = conjunction() or result
        return result

    def conjunction():
        nonlocal position
        result = term()
        while position < len(tokens) and tokens[position] == "and":
            position += 1
            result = term() and result
        return result

    def term():
        nonlocal position
        if position >= len(tokens):
            raise SysproError("The Where expressions are not valid")
        item = tokens[position]
        position += 1
        if item == "(":
            result = disjunction()
            position += 1  # ")"
            return result
        if not isinstance(item, tuple):
            raise SysproError("The Where expressions are not valid")
        column, condition, value = item
        return _compare(column, condition, row[column], value)

    result = disjunction()
    if position != len(tokens):
        raise SysproError("The Where brackets do not match")
    return result
