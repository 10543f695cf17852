"""SYSPRO's e.net business objects over REST, on the audited client, in the operator's session.

Each call carries the session's UserId. An `ERROR:` answer that names the UserId or the session
(the team's rule; SYSPRO's wording is UNCONFIRMED) means SYSPRO ended it: the session logs on
again once and the call is repeated once. That is safe for writes too: SYSPRO refused the call
before doing anything. Any other `ERROR:` answer is a SysproRefused with SYSPRO's words.

query/setup/post return the answer's root element; business errors inside it (ErrorDescription,
ValidationStatus) are the caller's to read and phrase (xml.errors). Setup and Transaction calls
are writes although they are GETs: sent with `creates=True`, so they are fenced by the job's
lease and never repeated in place after a timeout or 5xx (AmbiguousWrite).
"""

from xml.etree.ElementTree import Element

from connectors.errors import PermanentError
from connectors.ratelimit import LIVE
from connectors.syspro import xml
from connectors.syspro.client import (
    SessionGone,
    SysproRefused,
    client,
    is_session_gone,
    refusal,
)
from connectors.syspro.session import Session

CONDITIONS = frozenset({"EQ", "NE", "LT", "GT", "LE", "GE", "LIKE"})


class SysproApi:
    def __init__(self, connection, *, lane: str = LIVE, revive: bool = False):
        self.connection = connection
        self.http = client(connection, lane, revive=revive)
        # The check tries settings a person is still correcting: it says what failed, and only a
        # job's refused Logon stops the connection.
        self.session = Session(connection, self.http, stops_connection=not revive)

    # -- the call, in the session ---------------------------------------------------------
    def _call(self, path: str, params: dict, *, operation: str, writes: bool = False) -> bytes:
        session_id = self.session.id()
        for last_try in (False, True):
            try:
                response = self.http.request(
                    "GET", path, operation=operation, params={"UserId": session_id, **params},
                    creates=writes,
                )  # fmt: skip
            except PermanentError as exc:
                reason = refusal(exc)
                if reason is None:
                    raise
                if not is_session_gone(reason):
                    raise SysproRefused(
                        f"SYSPRO refused {operation}: {reason}", reason=reason, status=exc.status
                    ) from exc
                if last_try:
                    raise SessionGone(
                        f"SYSPRO ended the session again right after ml-connector logged on "
                        f"({reason}): another program may be using operator "
                        f"{(self.connection.erp_settings or {}).get('operator')}. ml-connector "
                        "tries again shortly; give ml-connector an operator of its own.",
                        retry_after=60,
                    ) from exc
                session_id = self.session.relogon(stale=session_id)
                continue
            self.session.used()
            return response.content
        raise AssertionError("unreachable")  # pragma: no cover

    def _xml(self, path, params, *, operation, writes=False) -> Element:
        return xml.parse(self._call(path, params, operation=operation, writes=writes))

    # -- the business objects --------------------------------------------------------------
    def query(self, business_object: str, xml_in: str, *, operation: str) -> Element:
        params = {"BusinessObject": business_object, "XmlIn": xml_in}
        return self._xml("Query/Query", params, operation=operation)

    def comfnd(
        self, table: str, columns: list[str], where: list[tuple], *, max_rows: int = 100,
        order_by: str | None = None, operation: str,
    ) -> list[dict]:  # fmt: skip
        """COMFND's rows of `table` as {column: text}. `where`: (column, condition, value) joined
        by And, or (and_or, column, condition, value)."""
        query = {
            "TableName": table,
            "ReturnRows": max_rows,
            "Columns": [("Column", column) for column in columns],
            "Where": [("Expression", _expression(term)) for term in where],
        }
        if order_by:
            query["OrderBy"] = {"Column": order_by}
        root = self.query("COMFND", xml.build("Query", query), operation=operation)
        wanted = {column.lower(): column for column in columns}
        rows = []
        for row in xml.all_of(root, "Row"):
            values = {
                wanted.get(xml.name(cell), cell.tag): (cell.text or "").strip() for cell in row
            }
            rows.append(values)
        return rows[:max_rows]

    def setup(
        self, method: str, business_object: str, parameters_xml: str, xml_in: str, *,
        operation: str,
    ) -> Element:  # fmt: skip
        if method not in ("Add", "Update"):
            raise ValueError(f"Setup/{method} is not used by ml-connector")
        params = {
            "BusinessObject": business_object, "XmlParameters": parameters_xml, "XmlIn": xml_in,
        }  # fmt: skip
        return self._xml(f"Setup/{method}", params, operation=operation, writes=True)

    def post(
        self, business_object: str, parameters_xml: str, xml_in: str, *, operation: str
    ) -> Element:
        params = {
            "BusinessObject": business_object, "XmlParameters": parameters_xml, "XmlIn": xml_in,
        }  # fmt: skip
        return self._xml("Transaction/Post", params, operation=operation, writes=True)

    def logon_profile(self) -> Element:
        return self._xml("GetLogonProfile", {}, operation="syspro.logon_profile")

    def close(self) -> None:
        self.session.leave()


def _expression(term: tuple) -> dict:
    and_or, column, condition, value = term if len(term) == 4 else ("And", *term)
    condition = str(condition).upper()
    if condition not in CONDITIONS:
        raise ValueError(f"COMFND has no condition {condition!r}")
    return {
        "OpenBracket": "(", "AndOr": and_or, "Column": column, "Condition": condition,
        "Value": value, "CloseBracket": ")",
    }  # fmt: skip
