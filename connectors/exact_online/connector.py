"""Exact Online: accounts (matched by e-mail), and BigCommerce orders as sales invoices.

Exactly once: before creating, the invoice is looked up by YourRef ("BC-<order id>"), so retries
and replays never post a second one. Payment status stays on the job (Exact invoices are settled
by its bank matching)."""

from django.core.cache import cache

from connectors.answers import reading
from connectors.causes import ACCOUNT_UNMAPPED
from connectors.checks import CheckResult
from connectors.documents import summary
from connectors.erp import ApiConnector, ExternalRef
from connectors.errors import ConnectorError, PermanentError, ReconnectRequired
from connectors.exact_online import mapping, preview
from connectors.exact_online.api import ExactApi, current_me, quoted
from connectors.exact_online.client import NotConnected, division_of
from connectors.exact_online.customers import customer_now, customer_upsert, customers_changed

ADDRESSES = "crm/Addresses"
INVOICES = "salesinvoice/SalesInvoices"
ITEMS = "logistics/Items"
GL_ACCOUNTS = "financial/GLAccounts"
REFERENCE_TTL = 600  # seconds; a deleted item is caught by Exact's own validation
JOURNALS = "financial/Journals"


class ExactOnlineConnector(ApiConnector):
    label = "Exact Online"
    api_class = ExactApi
    pull_customers_on_activate = True  # Exact has no customer webhooks towards the store

    @property
    def settings(self) -> mapping.MappingSettings:
        try:
            return mapping.MappingSettings.from_settings(self.connection.erp_settings)
        except ValueError as exc:
            raise PermanentError(f"Cost centre rules: {exc}") from exc

    # -- Test connection ------------------------------------------------------------------
    @reading("Exact Online", "the division")
    def check(self) -> CheckResult:
        try:
            self.api  # noqa: B018 - raises NotConnected before anything is sent
            me = current_me(self.connection)
            journals = self.api.list(JOURNALS, select="Code,Description", filter="Type eq 20")
        except NotConnected as exc:
            return CheckResult(self.label, ok=False, message=exc.message)
        except ReconnectRequired as exc:
            return CheckResult(self.label, ok=False, message=exc.message)
        except ConnectorError as exc:
            return CheckResult(self.label, ok=False, message=f"Exact Online: {exc.message}")
        names = ", ".join(f"{j['Code']} {j.get('Description') or ''}".strip() for j in journals)
        return CheckResult(
            self.label, ok=True,
            message=f"Signed in as {me.get('FullName') or me.get('UserName') or 'user'}; division "
            f"{division_of(self.connection)}; sales journals: {names or 'none'}.",
        )  # fmt: skip

    # -- accounts -----------------------------------------------------------------------
    @reading("Exact Online", "an account")
    def upsert_customer(self, customer) -> ExternalRef:
        return customer_upsert(self.api, customer)

    def changed_customers(self, since):
        return customers_changed(self.api, since)

    @reading("Exact Online", "the account as it is now")
    def customer_record(self, erp_id: str):
        return customer_now(self.api, erp_id)

    # -- invoices -----------------------------------------------------------------------
    @reading("Exact Online", "the search for the order's invoice")
    def find_sales_document(self, order) -> ExternalRef | None:
        found = self.api.first(
            INVOICES, select="InvoiceID,InvoiceNumber,Status",
            filter=f"YourRef eq {quoted(mapping.order_reference(order))}",
        )  # fmt: skip
        if found is None:
            return None
        return ExternalRef(
            found["InvoiceID"], number=str(found.get("InvoiceNumber") or ""),
            posted=found.get("Status") == 50,
        )  # fmt: skip

    def sales_documents(self, since, until):
        """The sales invoices dated in [since, until) that carry an order reference, following
        Exact's __next links (60 rows a page)."""
        # OData v2's datetime literal has a time part; InvoiceDate is a day at midnight.
        start, end = (
            f"datetime'{moment.date().isoformat()}T00:00:00'" for moment in (since, until)
        )
        pages = self.api.pages(
            INVOICES, select="InvoiceID,InvoiceNumber,YourRef,AmountFC,Currency,InvoiceDate",
            filter=f"InvoiceDate ge {start} and InvoiceDate lt {end}",
        )  # fmt: skip
        for page in pages:
            with reading("Exact Online", "the sales invoice list"):
                found = [
                    summary(
                        row.get("YourRef"),
                        "BC-",
                        id=row["InvoiceID"],
                        number=row.get("InvoiceNumber"),
                        total=row["AmountFC"],
                        currency=row.get("Currency"),
                        date=row.get("InvoiceDate"),
                    )
                    for row in page
                ]
            yield [document for document in found if document is not None]

    def _ids(self, resource: str, codes: set[str]) -> dict[str, str]:
        """{code: guid} for the codes that exist. Cached per connection and division (each call
        spends one of the division's 60 a minute); a code the cache lacks is asked for again."""
        key = f"exact:ids:{self.connection.pk}:{division_of(self.connection)}:{resource}"
        known = cache.get(key) or {}
        for code in sorted(codes - set(known)):
            found = self.api.first(resource, select="ID,Code", filter=f"Code eq {quoted(code)}")
            if found:
                known[str(found["Code"]).strip()] = found["ID"]
        cache.set(key, known, REFERENCE_TTL)
        return {code: known[code] for code in codes if code in known}

    def resolve(self, order, settings: mapping.MappingSettings) -> mapping.Resolved:
        codes = {line.sku for line in order.lines if line.sku}
        codes |= {settings.shipping_item, settings.unmapped_sku_item} - {""}
        gl_codes = {settings.gl_revenue, settings.shipping_gl} - {""}
        gl_accounts = self._ids(GL_ACCOUNTS, gl_codes)
        if missing := sorted(gl_codes - set(gl_accounts)):
            raise PermanentError(
                f"GL account {missing[0]} is not in Exact Online: choose another in the "
                "connection's Exact Online mappings, then replay.",
                cause=ACCOUNT_UNMAPPED,
                subject=missing[0],
            )
        return mapping.Resolved(items=self._ids(ITEMS, codes), gl_accounts=gl_accounts)

    def document_preview(self, order):
        """The document create_sales_document would send, with no call (preview.py)."""
        return preview.invoice_preview(order, self.settings)

    @reading("Exact Online", "the records the invoice needs or the new invoice")
    def create_sales_document(self, order, customer: ExternalRef) -> ExternalRef:
        settings = self.settings
        resolved = self.resolve(order, settings)
        address_id = ""
        if address := mapping.delivery_address_payload(customer.id, order):
            address_id = self.api.create(ADDRESSES, address)["ID"]
        body = mapping.invoice_payload(order, customer.id, settings, resolved, address_id)
        created = self.api.create(INVOICES, body)
        return ExternalRef(created["InvoiceID"], number=str(created.get("InvoiceNumber") or ""))
