"""Why a job failed for good, as a code a person can act on: each code has a title in plain words
(naming the record at fault and the ERP), what to do, and the control that fixes it.

Connectors raise their person-fixable errors with one of these codes and the record at fault
(`ConnectorError(..., cause=SKU_UNMAPPED, subject=sku)`), so the failures page groups them
exactly instead of matching message texts. Errors raised without a code get one by their class
(`fallback_cause`).
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

# The controls that fix a cause, resolved to an address per connection by `fix_link`.
ERP_MAPPINGS = "erp_mappings"  # the connection's ERP mappings page (or its settings form)
CONNECTION = "connection"  # the connection's own page (its ERP settings and Test connection)
RECONNECT = "reconnect"  # sign in to the ERP again
IN_THE_ERP = "in_the_erp"  # only the ERP itself can fix it (create the item, the customer…)
NOTHING = ""  # nothing to change: replay later, or ask support


@dataclass(frozen=True)
class Cause:
    code: str
    title: str  # may name {subject} and {erp}
    fix: str  # what to do, in plain words; may name {subject} and {erp}
    setting: str  # the control that fixes it (one of the constants above)
    title_without_subject: str = ""  # when the error named no record

    def heading(self, *, subject: str, erp: str) -> str:
        template = (
            self.title if subject or not self.title_without_subject else self.title_without_subject
        )
        return template.format(subject=subject or "(none)", erp=erp)

    def advice(self, *, subject: str, erp: str) -> str:
        return self.fix.format(subject=subject or "the record", erp=erp)


SKU_UNMAPPED = "sku_unmapped"
ACCOUNT_UNMAPPED = "account_unmapped"
TAX_CODE_UNMAPPED = "tax_code_unmapped"
SETTING_INVALID = "setting_invalid"
CUSTOMER_INVALID = "customer_invalid"
RECONNECT_REQUIRED = "reconnect_required"
ERP_VALIDATION = "erp_validation"
STORE_ORDER_MISSING = "store_order_missing"
PERMISSION_DENIED = "permission_denied"
ERP_UNAVAILABLE = "erp_unavailable"
INTERNAL = "internal"

CAUSES: dict[str, Cause] = {
    cause.code: cause
    for cause in (
        Cause(
            SKU_UNMAPPED,
            "SKU {subject} has no item in {erp}",
            "Create an item with number {subject} in {erp} (or point the connection's setting "
            "for SKUs without an item at an account), then press Fix and replay.",
            ERP_MAPPINGS,
            "An order line has no SKU, so no {erp} item matches it",
        ),
        Cause(
            ACCOUNT_UNMAPPED,
            "Account {subject} is not in {erp}",
            "Choose an account that exists in {erp} in the connection's mappings, then press "
            "Fix and replay.",
            ERP_MAPPINGS,
        ),
        Cause(
            TAX_CODE_UNMAPPED,
            "Tax code {subject} is not in {erp}",
            "Choose a tax code that exists in {erp} in the connection's mappings, then press Fix and "
            "replay.",
            ERP_MAPPINGS,
        ),
        Cause(
            SETTING_INVALID,
            "The setting '{subject}' does not match {erp}",
            "Change '{subject}' in the connection's {erp} settings, then press Fix and replay.",
            ERP_MAPPINGS,
        ),
        Cause(
            CUSTOMER_INVALID,
            "Customer {subject} cannot be used in {erp}",
            "Correct the customer in {erp} or in the store (the message on each order says "
            "what is wrong), then press Fix and replay.",
            IN_THE_ERP,
            "{erp} refused a customer",
        ),
        Cause(
            RECONNECT_REQUIRED,
            "{erp} needs you to sign in again",
            "Sign in to {erp} again from the connection's page; the orders wait, then press Fix and "
            "replay.",
            RECONNECT,
        ),
        Cause(
            ERP_VALIDATION,
            "{erp} refused the document for {subject}",
            "Read {erp}'s reason on one of the orders, correct the record or setting it names, "
            "then press Fix and replay.",
            CONNECTION,
            "{erp} refused the document",
        ),
        Cause(
            STORE_ORDER_MISSING,
            "Order {subject} is no longer in the store",
            "Nothing to send: the order was deleted in the store. Leave it, or recreate it in "
            "the store.",
            NOTHING,
        ),
        Cause(
            PERMISSION_DENIED,
            "Access to {subject} was refused",
            "Give the account ml-connector signs in with (in the store or in {erp}) the rights "
            "the message on each order names, then press Fix and replay.",
            CONNECTION,
            "The store or {erp} refused ml-connector access",
        ),
        Cause(
            ERP_UNAVAILABLE,
            "{erp} could not be reached (gave up after retries)",
            "Nothing to change if {erp} is back up: replay them. If it stays down, check "
            "the connection's Test connection.",
            CONNECTION,
        ),
        Cause(
            INTERNAL,
            "ml-connector could not process these orders",
            "This is a fault on our side: tell your ml-connector operator; once fixed, replay.",
            NOTHING,
        ),
    )
}


def cause_of(code: str) -> Cause:
    """The code's Cause; an unknown or empty code (a job failed before codes existed) is read as
    a refusal by the ERP, whose message says more."""
    return CAUSES.get(code) or CAUSES[ERP_VALIDATION]


def fallback_cause(exc: BaseException, *, gave_up: bool = False) -> str:
    """The code of an error raised without one, by what kind of failure it is."""
    from connectors.errors import ConnectorError, ReconnectRequired

    if getattr(exc, "cause", ""):
        return exc.cause
    if isinstance(exc, ReconnectRequired):
        return RECONNECT_REQUIRED
    if gave_up:
        return ERP_UNAVAILABLE
    if isinstance(exc, ConnectorError):
        return PERMISSION_DENIED if exc.status == 403 else ERP_VALIDATION
    return INTERNAL


def erp_name(connection) -> str:
    """The ERP's short name for titles: "MYOB Business", "SYSPRO"."""
    from connectors.registry import ERP_KINDS

    spec = ERP_KINDS.get(connection.erp_kind)
    return spec.label.split(" (")[0] if spec else connection.erp_kind


def _reverse(name: str, connection) -> str | None:
    try:
        return reverse(name, args=[connection.pk])
    except NoReverseMatch:
        return None


def fix_link(cause: Cause, connection) -> tuple[str, str] | None:
    """(label, address) of the control that fixes `cause` on this connection; None when nothing
    in ml-connector fixes it."""
    from connectors.registry import ERP_KINDS

    spec = ERP_KINDS.get(connection.erp_kind)
    links = spec.links if spec else ()
    settings_page = (
        "Open the connection's settings",
        _reverse("admin:tenants_connection_change", connection),
    )
    if cause.setting == ERP_MAPPINGS:
        for link in links:
            if link.url_name.endswith(":mappings") and (
                link.requires is None or connection.erp_settings.get(link.requires)
            ):
                url = _reverse(link.url_name, connection)
                if url:
                    return f"Open {link.label.format(**connection.erp_settings)}", url
        return settings_page
    if cause.setting == RECONNECT:
        for link in links:
            if link.primary and ":connect" in link.url_name:
                url = _reverse(link.url_name, connection)
                if url:
                    return link.label, url
        return settings_page
    if cause.setting == CONNECTION:
        return settings_page
    return None
