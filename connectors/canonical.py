"""The canonical shapes every connector speaks: what an order *is*, independent of any vendor.

Money is Decimal, never float; amounts keep the 4 decimals BigCommerce sends, and each ERP's mapping
rounds as its ledger requires.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class Address:
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    street_1: str = ""
    street_2: str = ""
    city: str = ""
    state: str = ""
    postcode: str = ""
    country: str = ""
    country_code: str = ""  # ISO 3166-1 alpha-2
    phone: str = ""
    email: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Customer:
    source_id: str  # BigCommerce customer id, or "guest:<email>" for guest checkouts
    email: str
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    phone: str = ""
    billing_address: Address | None = None
    modified_at: datetime | None = None

    @property
    def is_company(self) -> bool:
        return bool(self.company)

    @property
    def display_name(self) -> str:
        return self.company or f"{self.first_name} {self.last_name}".strip() or self.email


@dataclass(frozen=True)
class Line:
    source_id: str  # the order-product id
    sku: str
    name: str
    quantity: Decimal
    unit_price_ex_tax: Decimal
    unit_price_inc_tax: Decimal
    total_ex_tax: Decimal
    total_inc_tax: Decimal
    total_tax: Decimal
    discount: Decimal = Decimal("0")
    product_id: str = ""
    variant_id: str = ""


@dataclass(frozen=True)
class Order:
    source_id: str
    number: str
    status_id: int
    status: str
    created_at: datetime
    modified_at: datetime
    currency: str
    tax_inclusive: bool
    customer: Customer
    billing_address: Address
    shipping_address: Address | None
    lines: tuple[Line, ...]
    shipping_ex_tax: Decimal
    shipping_inc_tax: Decimal
    shipping_tax: Decimal
    handling_ex_tax: Decimal
    discount_total: Decimal
    subtotal_ex_tax: Decimal
    total_ex_tax: Decimal
    total_inc_tax: Decimal
    total_tax: Decimal
    payment_method: str = ""
    payment_status: str = ""
    channel_id: int = 1
    customer_message: str = ""
    shipping_method: str = ""


@dataclass(frozen=True)
class Payment:
    """A BigCommerce transaction or refund, recorded against the sync job."""

    source_id: str
    kind: str  # "transaction" or "refund"
    event: str  # purchase, capture, refund, ...
    amount: Decimal
    currency: str
    status: str
    created_at: str
    method: str = ""


@dataclass(frozen=True)
class ErpRecord:
    """A record as the ERP holds it, for a flow into the store. `version` tells our own writes
    from a person's edits (MYOB's RowVersion; a digest of the fields we manage where the ERP keeps
    no version); `modified_at` is where the stream's cursor moves past it, in the ERP's own
    clock; `data` is what the store should take (a StoreCustomer, an ItemChange)."""

    erp_id: str
    version: str
    modified_at: datetime
    data: object


@dataclass(frozen=True)
class ItemChange:
    """An item's prices, cost and stock as the ERP holds them now, for the store's catalog (the
    catalog push, catalog/). None: the ERP keeps no such field, so the store's is left alone."""

    sku: str
    price: Decimal | None = None
    sale_price: Decimal | None = None
    cost: Decimal | None = None
    # Quantity on hand per ERP warehouse code; "" is the one total of an ERP without warehouses.
    stock: dict[str, Decimal] = field(default_factory=dict)
    modified_at: datetime | None = None
