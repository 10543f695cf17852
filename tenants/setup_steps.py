"""The guided set-up's step list for one connection, from what is stored and what the page's last
check and dry-run found (tenants/setup_checks.py): no call to the store or the ERP."""

from dataclasses import dataclass

from django.urls import reverse

from connectors.bigcommerce.statuses import STATUS_NAMES
from connectors.registry import ERP_KINDS
from tenants.models import ConnectionStatus
from tenants.setup_checks import remembered

DONE, TODO, PROBLEM = "done", "todo", "problem"
STATE_WORDS = {DONE: "Done", TODO: "To do", PROBLEM: "Needs attention"}


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    state: str  # DONE, TODO or PROBLEM
    detail: str
    url: str = ""
    link: str = ""

    @property
    def state_words(self) -> str:
        return STATE_WORDS[self.state]


def _store(connection, change_url: str) -> Step:
    title = "Store connected"
    link = {"url": f"{change_url}#fieldset-bigcommerce-store", "link": "Store settings"}
    if not (connection.store_hash and connection.bc_access_token):
        detail = "Enter the store's hash and API token."
        return Step("store", title, TODO, detail, **link)
    checked = remembered(connection, "store")
    if checked is not None and not checked["ok"]:
        detail = " ".join(part for part in (checked["message"], checked["hint"]) if part)
        return Step("store", title, PROBLEM, detail, **link)
    health = connection.webhook_health or {}
    if health.get("error"):
        return Step("store", title, PROBLEM, f"Webhooks: {health['error']}", **link)
    hooks = health.get("hooks") or []
    inactive = [hook for hook in hooks if not hook.get("is_active")]
    if inactive:
        detail = f"{len(inactive)} of {len(hooks)} webhooks are switched off in the store."
        return Step("store", title, PROBLEM, detail, **link)
    if hooks:
        detail = f"Store {connection.store_hash}: {len(hooks)} webhooks active."
    else:
        detail = (
            f"Store {connection.store_hash} saved. Its webhooks are registered when you "
            "activate the connection."
        )
    return Step("store", title, DONE, detail, **link)


def _sign_in(connection, label: str, erp_links: list[dict], check_url: str) -> Step:
    title = f"{label} sign-in"
    page = next((link for link in erp_links if link["primary"]), None)
    link = (
        {"url": page["url"], "link": page["label"]} if page else {"url": check_url, "link": "Check"}
    )
    if connection.status == ConnectionStatus.NEEDS_RECONNECT:
        detail = f"{label} refused the sign-in: {connection.last_error}"
        return Step("sign_in", title, PROBLEM, detail, **link)
    checked = remembered(connection, "sign_in")
    if checked is None:
        detail = f"Not checked yet: 'Check the store, sign-in and mappings' signs in to {label}."
        return Step("sign_in", title, TODO, detail, **link)
    if not checked["ok"]:
        detail = " ".join(part for part in (checked["message"], checked["hint"]) if part)
        return Step("sign_in", title, PROBLEM, detail, **link)
    return Step("sign_in", title, DONE, checked["message"], **link)


def _mappings(connection, label: str, erp_links: list[dict], change_url: str) -> Step:
    title = "Mappings"
    page = next((link for link in erp_links if "mappings" in link["url"]), None)
    link = {"url": page["url"] if page else change_url, "link": "Mappings"}
    found = remembered(connection, "mappings")
    if found is None:
        detail = f"Checked against {label} with the sign-in."
        return Step("mappings", title, TODO, detail, **link)
    if found.get("signed_in") is False:
        detail = f"Checked once the sign-in to {label} works."
        return Step("mappings", title, TODO, detail, **link)
    if found["problems"]:
        return Step("mappings", title, PROBLEM, " ".join(found["problems"]), **link)
    if not found["checked"]:
        detail = f"{label} is checked as each order is sent: the dry-run shows what it would use."
        return Step("mappings", title, DONE, detail, **link)
    return Step("mappings", title, DONE, f"Every mapping exists in {label}.", **link)


def _statuses(connection, change_url: str) -> Step:
    link = {"url": f"{change_url}#fieldset-sync", "link": "Order statuses"}
    ticked = [STATUS_NAMES.get(status, str(status)) for status in connection.sync_status_ids]
    if not ticked:
        detail = "No status is ticked, so no order would be sent."
        return Step("statuses", "Order statuses", PROBLEM, detail, **link)
    detail = f"Orders sent when they are: {', '.join(ticked)}."
    return Step("statuses", "Order statuses", DONE, detail, **link)


def _dry_run(connection, url: str) -> Step:
    title = "Dry-run of the last three orders"
    link = {"url": f"{url}#dry-run", "link": "Dry-run"}
    found = remembered(connection, "dry_run")
    if found is None:
        detail = "See the documents the store's last three orders would become; nothing is created."
        return Step("dry_run", title, TODO, detail, **link)
    if found["problems"]:
        detail = f"{found['problems']} of {found['orders']} orders could not become a document."
        return Step("dry_run", title, PROBLEM, detail, **link)
    if not found["orders"]:
        return Step("dry_run", title, DONE, "The store has no orders yet.", **link)
    return Step("dry_run", title, DONE, f"{found['orders']} orders previewed.", **link)


def _activate(connection, url: str) -> Step:
    link = {"url": f"{url}#activate", "link": "Activate"}
    if connection.status == ConnectionStatus.ACTIVE:
        change_url = reverse("admin:tenants_connection_change", args=[connection.pk])
        return Step("activate", "Activate", DONE, "Orders are syncing.", change_url, "Connection")
    detail = "Start syncing, and send the orders placed since a date you choose."
    return Step("activate", "Activate", TODO, detail, **link)


def setup_steps(connection, erp_links: list[dict]) -> list[Step]:
    label = ERP_KINDS[connection.erp_kind].label
    change_url = reverse("admin:tenants_connection_change", args=[connection.pk])
    url = reverse("admin:tenants_connection_setup", args=[connection.pk])
    return [
        _store(connection, change_url),
        _sign_in(connection, label, erp_links, f"{url}#check"),
        _mappings(connection, label, erp_links, change_url),
        _statuses(connection, change_url),
        _dry_run(connection, url),
        _activate(connection, url),
    ]
