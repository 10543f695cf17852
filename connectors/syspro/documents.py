"""SYSPRO's sales orders dated in a period, for reconciliation: COMFND on SorMaster by OrderDate,
paged by SalesOrder (COMFND returns at most ReturnRows rows and has no skip). Each carries the
store order in CustomerPoNumber ("BigCommerce <order id>"); cancelled orders do not count.
SorMaster keeps no order total, so SYSPRO documents carry none and totals are not compared."""

from connectors.answers import reading
from connectors.documents import summary

PAGE = 500
COLUMNS = ["SalesOrder", "CustomerPoNumber", "OrderStatus", "OrderDate"]
CANCELLED = "\\"


def sales_documents(api, since, until):
    last = ""
    while True:
        where = [
            ("OrderDate", "GE", since.date().isoformat()),
            ("OrderDate", "LT", until.date().isoformat()),
        ]
        if last:
            where.append(("SalesOrder", "GT", last))
        rows = api.comfnd("SorMaster", COLUMNS, where, max_rows=PAGE, order_by="SalesOrder",
                          operation="salesorders.list")  # fmt: skip
        with reading("SYSPRO", "the sales order list"):
            found = [
                summary(row.get("CustomerPoNumber"), "BigCommerce ", id=row["SalesOrder"],
                        number=row["SalesOrder"], date=row.get("OrderDate"))
                for row in rows
                if row.get("OrderStatus") != CANCELLED
            ]  # fmt: skip
            next_last = rows[-1]["SalesOrder"] if rows else ""
        yield [document for document in found if document is not None]
        if len(rows) < PAGE or not next_last or next_last <= last:
            return
        last = next_last
