"""The sales tax the sandbox computes on a sales order: per line, by the tax code the line
carries (StockTaxCode, FreightTaxCode, MiscTaxCode), at the company's rate for that code
(SysproCompany.tax_codes, percent; EDU1-like default A = 10 %, E = 0 %): round(value x rate,
2). A line without a code has no tax; an unknown code is an error. SYSPRO's own tax engine (a
customer's tax status, a stock item's default code, whether the order may change it) is not
modelled: UNCONFIRMED, and the order's tax here is only what the codes sent say."""

from decimal import ROUND_HALF_UP, Decimal

DEFAULT_CODES = {"A": "10", "E": "0"}
CENT = Decimal("0.01")


def default_codes() -> dict:
    return dict(DEFAULT_CODES)


def line_tax(company, code: str, value: Decimal, errors: list) -> Decimal:
    """The tax of one line; an unknown code is added to `errors` (wording UNCONFIRMED)."""
    code = (code or "").strip().upper()
    if not code:
        return Decimal(0)
    rates = {k.upper(): v for k, v in (company.tax_codes or {}).items()}
    if code not in rates:
        errors.append(f"Tax code '{code}' not found")
        return Decimal(0)
    return (value * Decimal(str(rates[code])) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
