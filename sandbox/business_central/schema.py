"""The API v2.0 entity sets the sandbox serves, with their fields as Microsoft's API pages and
the v2.0 resource docs list them (APIV2*.Page.al in microsoft/BCApps; dev-itpro/api-reference/
v2.0/resources/*.md): each field's empty value, which are read-only, the lines' navigation
property, the number series. BC shows an empty GUID as the zero GUID and an empty date as
0001-01-01."""

from dataclasses import dataclass, field

NO_ID = "00000000-0000-0000-0000-000000000000"
NO_DATE = "0001-01-01"
NO_DATETIME = "0001-01-01T00:00:00Z"

S, G, D, N, B, T = "", NO_ID, NO_DATE, 0, False, NO_DATETIME  # empty string/GUID/date/number/…


@dataclass(frozen=True)
class EntitySet:
    name: str  # the entity set, e.g. "salesInvoices"
    type: str  # the entity type, e.g. "salesInvoice" (Microsoft.NAV.salesInvoice)
    table: str  # the table BC's messages name, e.g. "Sales Header"
    fields: dict  # field → its empty value, in the page's order
    read_only: frozenset = frozenset()
    lines: str = ""  # a document's lines' navigation property
    parent: str = ""  # lines: the document entity set
    series: str = ""  # the number series numbering new records
    writable: bool = True
    creatable: bool = True
    number_field: str = "number"
    actions: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)


_ADDRESSES = {
    f"{who}{part}": S
    for who in ("sellTo", "billTo", "shipTo")
    for part in ("AddressLine1", "AddressLine2", "City", "Country", "State", "PostCode")
}
_PARTIES = {"customerId": G, "customerNumber": S, "customerName": S, "billToName": S,
            "billToCustomerId": G, "billToCustomerNumber": S, "shipToName": S,
            "shipToContact": S}  # fmt: skip
_TOTALS = ("totalAmountExcludingTax", "totalTaxAmount", "totalAmountIncludingTax")

CUSTOMERS = EntitySet(
    "customers", "customer", "Customer",
    {"id": G, "number": S, "displayName": S, "type": "Company", "addressLine1": S,
     "addressLine2": S, "city": S, "state": S, "country": S, "postalCode": S, "phoneNumber": S,
     "email": S, "website": S, "salespersonCode": S, "balanceDue": N, "creditLimit": N,
     "taxLiable": B, "taxAreaId": G, "taxAreaDisplayName": S, "taxRegistrationNumber": S,
     "currencyId": G, "currencyCode": S, "paymentTermsId": G, "shipmentMethodId": G,
     "paymentMethodId": G, "blocked": " ", "lastModifiedDateTime": T},
    frozenset({"id", "balanceDue", "taxAreaDisplayName", "lastModifiedDateTime"}),
    series="customers",
)  # fmt: skip

ITEMS = EntitySet(
    "items", "item", "Item",
    {"id": G, "number": S, "displayName": S, "displayName2": S, "type": "Inventory",
     "itemCategoryId": G, "itemCategoryCode": S, "blocked": B, "gtin": S, "inventory": N,
     "unitPrice": N, "priceIncludesTax": B, "unitCost": N, "taxGroupId": G, "taxGroupCode": S,
     "baseUnitOfMeasureId": G, "baseUnitOfMeasureCode": "PCS", "generalProductPostingGroupId": G,
     "generalProductPostingGroupCode": "RETAIL", "inventoryPostingGroupId": G,
     "inventoryPostingGroupCode": "RESALE", "lastModifiedDateTime": T},
    # `inventory`: the docs say read-only; the AL page takes it on PATCH (an adjustment is
    # posted for the difference) and refuses it on POST ("Inventory cannot be changed during
    # on insert.").
    frozenset({"id", "lastModifiedDateTime"}),
    series="items",
)  # fmt: skip

ITEM_VARIANTS = EntitySet(
    "itemVariants", "itemVariant", "Item Variant",
    {"id": G, "itemId": G, "itemNumber": S, "code": S, "description": S,
     "lastModifiedDateTime": T},
    frozenset({"id", "lastModifiedDateTime"}), number_field="code",
)  # fmt: skip

ACCOUNTS = EntitySet(
    "accounts", "account", "G/L Account",
    {"id": G, "number": S, "displayName": S, "category": S, "subCategory": S, "blocked": B,
     "accountType": "Posting", "directPosting": True, "netChange": N,
     "consolidationTranslationMethod": S, "consolidationDebitAccount": S,
     "consolidationCreditAccount": S, "excludeFromConsolidation": B, "lastModifiedDateTime": T},
    writable=False, creatable=False,
)  # fmt: skip

TAX_AREAS = EntitySet(
    "taxAreas", "taxArea", "Tax Area",
    {"id": G, "code": S, "displayName": S, "taxType": "Sales Tax", "lastModifiedDateTime": T},
    frozenset({"id", "taxType", "lastModifiedDateTime"}), number_field="code",
)  # fmt: skip

TAX_GROUPS = EntitySet(
    "taxGroups", "taxGroup", "Tax Group",
    {"id": G, "code": S, "displayName": S, "taxType": "Sales Tax", "lastModifiedDateTime": T},
    frozenset({"id", "taxType", "lastModifiedDateTime"}), number_field="code",
)  # fmt: skip

_LINE_FIELDS = {
    "id": G, "documentId": G, "sequence": N, "itemId": G, "accountId": G, "lineType": "Item",
    "lineObjectNumber": S, "description": S, "description2": S, "unitOfMeasureId": G,
    "unitOfMeasureCode": S, "quantity": N, "unitPrice": N, "discountAmount": N,
    "discountPercent": N, "discountAppliedBeforeTax": B, "amountExcludingTax": N, "taxCode": S,
    "taxPercent": N, "totalTaxAmount": N, "amountIncludingTax": N,
    "invoiceDiscountAllocation": N, "netAmount": N, "netTaxAmount": N,
    "netAmountIncludingTax": N, "shipmentDate": D, "itemVariantId": G, "locationId": G,
}  # fmt: skip
_LINE_READ_ONLY = frozenset({
    "id", "documentId", "amountExcludingTax", "taxPercent", "totalTaxAmount",
    "amountIncludingTax", "invoiceDiscountAllocation", "netAmount", "netTaxAmount",
    "netAmountIncludingTax", "discountAppliedBeforeTax",
})  # fmt: skip

SALES_ORDER_LINES = EntitySet(
    "salesOrderLines", "salesOrderLine", "Sales Line",
    _LINE_FIELDS | {"shippedQuantity": N, "invoicedQuantity": N, "invoiceQuantity": N,
                    "shipQuantity": N},
    _LINE_READ_ONLY | {"shippedQuantity", "invoicedQuantity"}, parent="salesOrders",
)  # fmt: skip

SALES_INVOICE_LINES = EntitySet(
    "salesInvoiceLines", "salesInvoiceLine", "Sales Line", dict(_LINE_FIELDS),
    _LINE_READ_ONLY, parent="salesInvoices",
)  # fmt: skip

SALES_CREDIT_MEMO_LINES = EntitySet(
    "salesCreditMemoLines", "salesCreditMemoLine", "Sales Line", dict(_LINE_FIELDS),
    _LINE_READ_ONLY, parent="salesCreditMemos",
)  # fmt: skip

SALES_ORDERS = EntitySet(
    "salesOrders", "salesOrder", "Sales Header",
    {"id": G, "number": S, "externalDocumentNumber": S, "orderDate": D, "postingDate": D,
     **_PARTIES, **_ADDRESSES, "shortcutDimension1Code": S, "shortcutDimension2Code": S,
     "currencyId": G, "currencyCode": S, "pricesIncludeTax": B, "paymentTermsId": G,
     "shipmentMethodId": G, "salesperson": S, "partialShipping": True,
     "requestedDeliveryDate": D, "discountAmount": N, "discountAppliedBeforeTax": B,
     **dict.fromkeys(_TOTALS, N), "fullyShipped": B, "status": "Draft",
     "lastModifiedDateTime": T, "phoneNumber": S, "email": S},
    frozenset({"id", "pricesIncludeTax", *_TOTALS, "fullyShipped", "status",
               "lastModifiedDateTime", "discountAppliedBeforeTax"}),
    lines="salesOrderLines", series="salesOrders", actions=("shipAndInvoice",),
)  # fmt: skip

SALES_INVOICES = EntitySet(
    "salesInvoices", "salesInvoice", "Sales Header",
    {"id": G, "number": S, "externalDocumentNumber": S, "invoiceDate": D, "postingDate": D,
     "dueDate": D, "customerPurchaseOrderReference": S, **_PARTIES, **_ADDRESSES,
     "currencyId": G, "shortcutDimension1Code": S, "shortcutDimension2Code": S,
     "currencyCode": S, "orderId": G, "orderNumber": S, "paymentTermsId": G,
     "shipmentMethodId": G, "salesperson": S, "disputeStatusId": G, "disputeStatus": S,
     "promisedPayDate": D, "pricesIncludeTax": B, "remainingAmount": N, "discountAmount": N,
     "discountAppliedBeforeTax": B, **dict.fromkeys(_TOTALS, N), "status": "Draft",
     "lastModifiedDateTime": T, "phoneNumber": S, "email": S},
    frozenset({"id", "orderId", "orderNumber", "pricesIncludeTax", "remainingAmount", *_TOTALS,
               "status", "lastModifiedDateTime", "discountAppliedBeforeTax"}),
    lines="salesInvoiceLines", series="salesInvoices",
    actions=("post", "postAndSend", "send", "cancel", "cancelAndSend",
             "makeCorrectiveCreditMemo"),
)  # fmt: skip

SALES_CREDIT_MEMOS = EntitySet(
    "salesCreditMemos", "salesCreditMemo", "Sales Header",
    {"id": G, "number": S, "externalDocumentNumber": S, "creditMemoDate": D, "postingDate": D,
     "dueDate": D, **_PARTIES, **_ADDRESSES, "currencyId": G, "shortcutDimension1Code": S,
     "shortcutDimension2Code": S, "currencyCode": S, "paymentTermsId": G,
     "shipmentMethodId": G, "salesperson": S, "pricesIncludeTax": B, "discountAmount": N,
     "discountAppliedBeforeTax": B, **dict.fromkeys(_TOTALS, N), "status": "Draft",
     "lastModifiedDateTime": T, "invoiceId": G, "invoiceNumber": S, "phoneNumber": S,
     "email": S, "customerReturnReasonId": G},
    frozenset({"id", "pricesIncludeTax", *_TOTALS, "status", "lastModifiedDateTime",
               "discountAppliedBeforeTax"}),
    lines="salesCreditMemoLines", series="salesCreditMemos", actions=("post", "cancel"),
)  # fmt: skip

ENTITY_SETS = {
    entity.name: entity
    for entity in (CUSTOMERS, ITEMS, ITEM_VARIANTS, ACCOUNTS, TAX_AREAS, TAX_GROUPS,
                   SALES_ORDERS, SALES_ORDER_LINES, SALES_INVOICES, SALES_INVOICE_LINES,
                   SALES_CREDIT_MEMOS, SALES_CREDIT_MEMO_LINES)
}  # fmt: skip
DOCUMENTS = {name: e for name, e in ENTITY_SETS.items() if e.lines}
LINES = {e.lines: e for e in DOCUMENTS.values()}

# Number series: (prefix, first number, step). Sales orders S-ORD101001…, draft invoices
# S-INV102001…, posted invoices 103001…, draft credit memos S-CR104001…, posted 104001…:
# Cronus-like; the draft invoice and credit memo series are UNCONFIRMED.
SERIES = {
    "customers": ("C", 10, 10, 5),  # C00010, C00020…
    "items": ("", 1000, 1, 0),
    "salesOrders": ("S-ORD", 101001, 1, 0),
    "salesInvoices": ("S-INV", 102001, 1, 0),
    "postedSalesInvoices": ("", 103001, 1, 0),
    "salesCreditMemos": ("S-CR", 104001, 1, 0),
    "postedSalesCreditMemos": ("", 104001, 1, 0),
}

# Enum fields (NAV option types): the values BC takes; another → "'x' is not an option."
LINE_TYPES = ("Comment", "Account", "Item", "Resource", "Fixed Asset", "Charge")
ENUMS = {
    ("items", "type"): ("Inventory", "Service", "Non-Inventory"),
    ("customers", "type"): ("Company", "Person"),
    ("customers", "blocked"): (" ", "Ship", "Invoice", "All"),
    **{(lines, "lineType"): LINE_TYPES
       for lines in ("salesOrderLines", "salesInvoiceLines", "salesCreditMemoLines")},
}  # fmt: skip
