"""One kit per ERP kind: what the contract suite needs to drive that ERP's sandbox.

A kit is a module here named after the kind, exposing `KIT`, a `Kit` subclass. The suite runs
every contract once per module it finds, so a new ERP gets them all by adding its kit. The kits
live here rather than in each ERP's test folder: the suite finds them by listing one package, a
kit is read next to the contract it serves, and an ERP's folder keeps its own tests only.
"""

import importlib
import pkgutil
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pytest

CENT = Decimal("0.01")


def cents(value) -> Decimal:
    """To the cent, halves up (a store's 4-decimal amounts, as a ledger rounds them)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Document:
    """An ERP's sales document for one order, in the terms the contracts compare (to the cent)."""

    id: str
    number: str
    total_ex_tax: Decimal
    total_tax: Decimal
    total_inc_tax: Decimal
    shipping_ex_tax: Decimal
    lines: tuple[tuple[str, Decimal, Decimal], ...] = field(default=())  # (sku, qty, total ex tax)


class Kit:
    """What every ERP kind supplies. `request` is the test's, for fixtures and finalisers."""

    kind: str = ""
    label: str = ""
    # What a missing SKU's message must name besides the SKU: the setting that fixes it.
    unmapped_sku_setting: str = ""
    # Its intake and pipeline contracts also run on SQLite and the file broker (./bin/test's
    # embedded pass; see tests/erp_contract/conftest.py).
    embedded: bool = False

    def __init__(self, request):
        self.request = request

    def connect(self, tenant, name: str):
        """(store, connection): a new sandbox store (`name` is its hash) joined to a new account
        in the ERP's sandbox, signed in, with the settings its documents need; not activated."""
        raise NotImplementedError

    def connect_draft(self, tenant):
        """A connection whose ERP side is not connected yet (no sign-in, no company chosen)."""
        raise NotImplementedError

    @classmethod
    def worker_env(cls, live_server) -> dict:
        """What a worker process needs to reach the sandbox (one worker serves every kit)."""
        return {}

    def documents(self, order_id) -> list[Document]:
        """Every sales document the ERP holds for the store order, duplicates included."""
        raise NotImplementedError

    def unconfirmed_creates(self, fault: str) -> None:
        """The next document creates (three, so a create repeated in place would show) are kept
        by the ERP, then answered with `fault`: "hang" (no answer within the client's read
        timeout) or "5xx" (tests/support/unconfirmed_writes.py FAULTS)."""
        raise NotImplementedError

    def created_once_then_found(self, job) -> None:
        """Asserts from the ERP's call log that the job sent one create, then looked it up."""
        raise NotImplementedError

    def rate_limit_lower(self) -> int:
        """Lowers the sandbox's rate limit well under what the run needs; returns the calls it
        now allows per window."""
        raise NotImplementedError

    def rate_refusals(self) -> int:
        """How many calls the sandbox refused for the rate limit."""
        raise NotImplementedError

    def item_remove(self, sku: str) -> None:
        """The ERP has no item for this SKU any more."""
        raise NotImplementedError

    def item_restore(self, sku: str) -> None:
        """The item `item_remove` took away is back, as it was (a person created it again)."""
        pytest.skip(f"the {self.kind} kit cannot put a removed item back yet")

    def credentials_spoil(self, connection) -> None:
        """The connection's credentials or settings stop matching the ERP's."""
        raise NotImplementedError

    def secrets(self, connection) -> list[str]:
        """Every secret value the connection's traffic could carry."""
        raise NotImplementedError


def kits() -> dict[str, type[Kit]]:
    """{kind: Kit class} of every kit module in this package."""
    found = {}
    for module in pkgutil.iter_modules(__path__):
        kit = importlib.import_module(f"{__name__}.{module.name}").KIT
        assert kit.kind == module.name, f"kit module {module.name} declares kind {kit.kind}"
        found[kit.kind] = kit
    return found
