from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from sandbox.business_central import records, services
from sandbox.business_central.models import BcCompany


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise CommandError(f"{text!r} is not a number") from exc
    if not value.is_finite():
        raise CommandError(f"{text!r} is not a number")
    return value


class Command(BaseCommand):
    help = (
        "Change an item of a sandbox Business Central company as a person using Business Central "
        "would (its unit price, unit cost or inventory). The change is recorded as BC records "
        "every write, so item subscriptions notify it and the poll finds it."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", help="the item's number, e.g. TENT-2P")
        parser.add_argument("--company", default="", help="the company's name or id "
                            "(default: the only company with that item)")  # fmt: skip
        parser.add_argument("--price", type=_decimal, help="the new unit price")
        parser.add_argument("--cost", type=_decimal, help="the new unit cost")
        parser.add_argument("--qty", type=_decimal, help="the new inventory")

    def handle(self, *args, number, company, price, cost, qty, **options):
        if price is None and cost is None and qty is None:
            raise CommandError("Say what changes: --price, --cost and/or --qty.")
        companies = [c for c in BcCompany.objects.order_by("name")
                     if company in ("", c.name, str(c.id))]  # fmt: skip
        having = [c for c in companies if records.find(c, "items", number=number)]
        if not having:
            raise CommandError(f"No sandbox Business Central item {number!r}"
                               + (f" in company {company!r}." if company else "."))  # fmt: skip
        if len(having) > 1:
            names = ", ".join(f"{c.name} ({c.id})" for c in having)
            raise CommandError(f"Item {number!r} is in several companies: {names}. "
                               "Name one with --company.")  # fmt: skip
        (found,) = having
        services.item_set(found, number, unit_price=price, unit_cost=cost, inventory=qty)
        self.stdout.write(f"Item {number} changed in {found.name}.")
