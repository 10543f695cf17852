"""A run's findings as CSV, for the accountant's working papers."""

import csv
import io

HEADER = [
    "Order", "Order date (UTC)", "Order status", "Finding", "Store total", "ERP total",
    "Currency", "ERP document(s)", "Note", "Backfilled or replayed at (UTC)",
]  # fmt: skip


def _cell(value) -> str:
    """No cell starts a formula in a spreadsheet (=, +, -, @): such text gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def findings_csv(run) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for f in run.findings.order_by("kind", "order_date", "pk"):
        writer.writerow([
            _cell(v) for v in (
                f.order_id, f.order_date and f"{f.order_date:%Y-%m-%d %H:%M}", f.order_status,
                f.get_kind_display(), f.store_total, f.erp_total, f.currency, f.erp_documents,
                f.note, f.resolved_at and f"{f.resolved_at:%Y-%m-%d %H:%M}",
            )
        ])  # fmt: skip
    return out.getvalue()
