"""Business Central: customers (matched by e-mail), and BigCommerce orders as sales invoices
posted with Microsoft.NAV.post, or as sales orders, per the connection's setting.

Exactly once: before creating, the document is looked up by the order's reference
(mapping.order_reference, in the field mapping.reference_field names). The create is one POST
with its lines (deep insert, atomic) and is never repeated in place; a create whose answer was
lost is found on the job's next attempt. A draft invoice found then (created, not yet posted) is
posted, not created again: `Microsoft.NAV.post` works on drafts only, so a posted one is left.

Tax is Business Central's, from the customer's tax area: when its total with tax differs from the
store's by more than a cent, the job gets a warning (ExternalRef.warning), not an error.
"""

from connectors.answers import reading
from connectors.business_central import documents, mapping, preview
from connectors.business_central.api import BusinessCentralApi, quoted
from connectors.business_central.auth import credentials, token_fetch
from connectors.business_central.client import (
    LABEL,
    SYSTEM,
    NotConnected,
    environment_client,
    stored,
)
from connectors.business_central.customers import customer_now, customer_upsert, customers_changed
from connectors.business_central.items import item_now, items_changed
from connectors.business_central.payments import Refunds
from connectors.causes import ERP_VALIDATION
from connectors.checks import CheckResult
from connectors.erp import ApiConnector, ExternalRef, UpdateNotAllowed
from connectors.errors import ConnectorError, PermanentError, ReconnectRequired

ITEMS = "items"
ITEMS_PER_LOOKUP = 15  # SKUs in one `number eq … or …` filter
DOCUMENT_FIELDS = "id,number,status,totalAmountIncludingTax"
DRAFT = "Draft"
# Invoice statuses before posting; every other (Open, Paid, Canceled, Corrective) is posted.
UNPOSTED = frozenset({DRAFT, "In Review"})
ENTRA_APPS_HELP = (
    "In Business Central open 'Microsoft Entra Applications', add the app with its Application "
    "(client) ID {client_id}, set State to Enabled, assign permission sets (e.g. D365 AUTOMATION) "
    "and grant consent."
)


class BusinessCentralConnector(ApiConnector):
    label = LABEL
    api_class = BusinessCentralApi

    @property
    def settings(self) -> mapping.MappingSettings:
        return mapping.MappingSettings.from_settings(self.connection.erp_settings)

    # -- Test connection ------------------------------------------------------------------
    def check(self) -> CheckResult:
        """Which part fails: Entra (tenant, app, secret), the app's access in Business Central,
        the environment, or the company."""
        from connectors.oauth_connect import signed_in

        values = stored(self.connection)
        try:
            credentials(self.connection)
            tokens = token_fetch(self.connection)
        except NotConnected as exc:
            return self._failed(exc.message)
        except ReconnectRequired as exc:
            return self._failed(exc.message, "Correct it in the connection's settings.")
        except ConnectorError as exc:
            return self._failed(
                f"Microsoft Entra ID could not be reached: {exc.message}", "Try again shortly."
            )
        # The new token is the connection's (and revives one that needed reconnecting).
        self.connection = signed_in(
            self.connection, system=SYSTEM, tokens=tokens, lifetime=3600, chosen={}
        )
        try:
            with reading(LABEL, "the list of companies"):
                companies = companies_list(self.connection)
        except PermanentError as exc:
            return self._refused(exc, values)
        except ConnectorError as exc:
            return self._failed(exc.message, "Try again in a minute.")
        chosen = str(values.get("company_id") or "").lower()
        company = next((c for c in companies if str(c.get("id")).lower() == chosen), None)
        names = ", ".join(company_name(c) for c in companies[:5]) or "none"
        if not chosen:
            return self._failed(
                f"Connect Business Central to a company: signed in to environment "
                f"{values.get('environment')}, which has {len(companies)} companies ({names}). "
                "Pick the one orders go to on 'Company'."
            )
        if company is None:
            return self._failed(
                f"The company {chosen} is not in the Business Central environment "
                f"{values.get('environment')} (it has: {names}).",
                "Pick the company again on 'Company'.",
            )
        return CheckResult(
            self.label, ok=True,
            message=f"Connected to Business Central: company {company_name(company)} in "
            f"environment {values.get('environment')}, signed in as the Entra app "
            f"{values.get('client_id')}.",
        )  # fmt: skip

    def _refused(self, exc: PermanentError, values: dict) -> CheckResult:
        environment, client_id = values.get("environment"), values.get("client_id")
        if exc.status == 401:
            return self._failed(
                "Microsoft Entra ID signed the app in, but Business Central refused it "
                f"({exc.message}): the app is not on Business Central's 'Microsoft Entra "
                "Applications' page, or it is not Enabled there.",
                ENTRA_APPS_HELP.format(client_id=client_id),
            )
        if exc.status == 403:
            return self._failed(
                f"Business Central let the app in but refused it access ({exc.message}): its "
                "permission sets do not allow reading companies.",
                ENTRA_APPS_HELP.format(client_id=client_id),
            )
        if exc.status == 404:
            return self._failed(
                f"Business Central has no environment {environment} in this tenant "
                f"({exc.message}).",
                "Check the environment name in the Business Central admin center → Environments "
                "(e.g. Production or Sandbox), and the tenant ID.",
            )
        return self._failed(exc.message)

    def _failed(self, message: str, hint: str = "") -> CheckResult:
        return CheckResult(self.label, ok=False, message=message, hint=hint)

    # -- customers ------------------------------------------------------------------------
    @reading(LABEL, "a customer")
    def upsert_customer(self, customer) -> ExternalRef:
        return customer_upsert(self.api, customer, self.settings)

    def changed_customers(self, since):
        return customers_changed(self.api, since)

    def customer_record(self, erp_id: str):
        return customer_now(self.api, erp_id)

    # -- documents ------------------------------------------------------------------------
    def sales_documents(self, since, until):
        """Reconciliation's ERP side: connectors/business_central/documents.py."""
        return documents.sales_documents(self.api, self.settings, since, until)

    @reading(LABEL, "the search for the order's document")
    def find_sales_document(self, order) -> ExternalRef | None:
        entity_set = self.settings.entity_set
        found = self._by_reference(entity_set, order)
        if found is None and entity_set == mapping.ORDERS:
            return self._invoiced_order(order)
        return _ref(entity_set, found) if found else None

    def _invoiced_order(self, order) -> ExternalRef | None:
        """A sales order fully shipped and invoiced in Business Central is deleted there; its
        posted invoice keeps the order's externalDocumentNumber, so the order is not made again."""
        reference = quoted(mapping.order_reference(order))
        invoice = self.api.first(
            mapping.INVOICES, select=f"{DOCUMENT_FIELDS},orderNumber",
            filter=f"externalDocumentNumber eq {reference} and status ne {quoted(DRAFT)}",
        )  # fmt: skip
        if invoice is None:
            return None
        number = f"{invoice.get('orderNumber') or ''}, invoice {invoice.get('number') or ''}"
        return ExternalRef(str(invoice["id"]), number=number.strip(", "), posted=True)

    def _by_reference(self, entity_set: str, order) -> dict | None:
        field = mapping.reference_field(entity_set)
        return self.api.first(
            entity_set, filter=f"{field} eq {quoted(mapping.order_reference(order))}",
            select=DOCUMENT_FIELDS,
        )  # fmt: skip

    def document_preview(self, order):
        """The document create_sales_document would send, with no call (preview.py)."""
        return preview.document_preview(order, self.settings)

    @reading(LABEL, "the new document")
    def create_sales_document(self, order, customer: ExternalRef) -> ExternalRef:
        settings = self.settings
        body = mapping.document_payload(order, customer.id, self._items(order), settings)
        document = self.api.create(settings.entity_set, body)
        if settings.entity_set == mapping.INVOICES:
            return self._posted(order, document)
        return self._with_warning(mapping.ORDERS, document, order)

    @reading(LABEL, "the order's document")
    def update_sales_document(self, ref: ExternalRef, order, customer: ExternalRef) -> ExternalRef:
        """A draft invoice (created, its post not confirmed) is posted; a posted invoice or a
        sales order is not changed by ml-connector (Business Central has no deep patch of
        lines)."""
        entity_set = self.settings.entity_set
        if entity_set == mapping.INVOICES and not ref.posted:
            document = self.api.get(entity_set, ref.id)
            if document is None:
                raise UpdateNotAllowed(f"Business Central invoice {ref.number} is no longer there.")
            return self._posted(order, document)
        state = "is posted" if entity_set == mapping.INVOICES else "exists"
        raise UpdateNotAllowed(
            f"Business Central {_name(entity_set)} {ref.number} {state}, so ml-connector does not "
            "change it; adjust it in Business Central."
        )

    def _posted(self, order, invoice: dict) -> ExternalRef:
        """Post a draft invoice, then read it again: posting gives it its posted number."""
        if invoice.get("status") in UNPOSTED:
            self.api.action(mapping.INVOICES, invoice["id"], "post")
            invoice = self.api.get(mapping.INVOICES, invoice["id"]) or invoice
        return self._with_warning(mapping.INVOICES, invoice, order)

    def _with_warning(self, entity_set: str, document: dict, order) -> ExternalRef:
        """The document's ref, with a warning when its total differs from the store's."""
        ref = _ref(entity_set, document)
        if self.settings.tax_check == "off":
            return ref
        warning = mapping.total_warning(document, order, f"{_name(entity_set)} {ref.number}")
        return ExternalRef(ref.id, number=ref.number, posted=ref.posted, warning=warning)

    # -- refunds as posted credit memos (payments.py); the shopper's payments stay in the job --
    posted_payment_kinds = frozenset({"refund"})

    def record_payment(self, document, order, posting):
        # One Refunds per run: it reads the order's invoice once for all the order's refunds.
        refunds = self.__dict__.setdefault("_refunds", Refunds(self.api, self.connection))
        return refunds.record(document, order, posting)

    # -- items: the catalog push's source (items.py) ---------------------------------------
    def changed_items(self, since):
        return items_changed(self.api, since)

    def item_record(self, erp_id: str):
        return item_now(self.api, erp_id)

    def _items(self, order) -> dict[str, str]:
        """{item No. upper case: the No. as Business Central has it} for the order's SKUs; a
        missing or blocked item fails the order, naming its SKU."""
        wanted = sorted({mapping.item_number(line.sku) for line in order.lines})
        found = {}
        for start in range(0, len(wanted), ITEMS_PER_LOOKUP):
            numbers = wanted[start : start + ITEMS_PER_LOOKUP]
            condition = " or ".join(f"number eq {quoted(number)}" for number in numbers)
            for item in self.api.list(ITEMS, filter=condition, select="id,number,blocked"):
                found[str(item["number"]).upper()] = item
        for line in order.lines:
            item = found.get(mapping.item_number(line.sku))
            if item is None:
                raise mapping.missing_item(line.sku)
            if item.get("blocked") is True:
                raise PermanentError(
                    f"SKU {line.sku}: item {item['number']} is blocked in Business Central, so it "
                    "cannot be sold. Unblock it on its item card (Blocked), then replay.",
                    cause=ERP_VALIDATION,
                    subject=line.sku,
                )
        return {number: str(item["number"]) for number, item in found.items()}


def companies_list(connection) -> list[dict]:
    """The environment's companies (id, name, displayName)."""
    from connectors.business_central.api import SHAPE
    from connectors.odata import ODataClient

    client = ODataClient(environment_client(connection), SHAPE)
    rows = client.list("companies", {"$select": "id,name,displayName"})
    for row in rows:
        str(row["id"])  # a company without an id is a malformed answer
    return rows


def company_name(company: dict) -> str:
    return str(company.get("displayName") or company.get("name") or company.get("id"))


def _name(entity_set: str) -> str:
    return "invoice" if entity_set == mapping.INVOICES else "sales order"


def _ref(entity_set: str, document: dict) -> ExternalRef:
    posted = entity_set == mapping.INVOICES and document.get("status") not in UNPOSTED
    return ExternalRef(str(document["id"]), number=str(document.get("number") or ""), posted=posted)
