from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from sandbox.myob.models import MyobBusiness
from sandbox.myob.services import items_change

SHOWN = 10


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise CommandError(f"{text!r} is not a number") from exc


class Command(BaseCommand):
    help = (
        "Change items of a sandbox MYOB company file as a person using MYOB would (new prices, "
        "a stock count), so the catalog push has changes to carry to the store."
    )

    def add_arguments(self, parser):
        parser.add_argument("business", help="the company file's name or UID")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--share", type=float, help="a share of the sold items, e.g. 0.05")
        which.add_argument("--skus", help="item numbers, comma separated")
        parser.add_argument("--price-factor", type=_decimal, help="e.g. 0.9 for 10 %% off")
        parser.add_argument("--stock-delta", type=_decimal, help="added to on hand, e.g. -3")
        parser.add_argument("--seed", type=int, help="repeat the same pick of --share")

    def handle(self, *args, business, share, skus, price_factor, stock_delta, seed, **options):
        found = _business(business)
        if share is not None and not 0 < share <= 1:
            raise CommandError("--share is a fraction between 0 and 1, e.g. 0.05")
        changed = items_change(
            found, share=share, skus=skus.split(",") if skus else None,
            price_factor=price_factor, stock_delta=stock_delta, seed=seed,
        )  # fmt: skip
        numbers = sorted(item.data["Number"] for item in changed)
        more = f" and {len(numbers) - SHOWN} more" if len(numbers) > SHOWN else ""
        self.stdout.write(
            f"{len(numbers)} items changed in {found.name}: {', '.join(numbers[:SHOWN])}{more}"
        )


def _business(text: str) -> MyobBusiness:
    query = Q(name=text)
    try:
        MyobBusiness._meta.get_field("uid").to_python(text)
        query |= Q(uid=text)
    except ValidationError:
        pass
    found = MyobBusiness.objects.filter(query).first()
    if found is None:
        names = ", ".join(MyobBusiness.objects.values_list("name", flat=True)[:5]) or "none"
        raise CommandError(f"No sandbox MYOB company file {text!r} (there are: {names}).")
    return found
