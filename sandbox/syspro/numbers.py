"""SYSPRO's number series (sales orders, invoices, customers), kept on the company row, which the
caller holds locked (select_for_update) for the transaction."""

SERIES = {"sales_order": (6, 0), "invoice": (6, 100000), "customer": (7, 0)}  # width, first - 1


def next_number(company, series: str) -> str:
    width, start = SERIES[series]
    last = int(company.numbers.get(series, start)) + 1
    company.numbers = {**company.numbers, series: last}
    company.save(update_fields=["numbers"])
    return str(last).zfill(width)


def locked(company):
    return type(company).objects.select_for_update().get(pk=company.pk)
