"""The admin's sidebar (UNFOLD["SIDEBAR"]["navigation"]): pages named for what a person does.

A link appears only when its page exists in this build and the person may open it: a model's
list asks its ModelAdmin (tenant users never see platform pages), other pages need a tenant.
Every page stays reachable through "All applications" below the links as well.
"""

from django.contrib import admin
from django.urls import NoReverseMatch, resolve, reverse

from tenants.admin_scoping import TenantScopedAdminMixin
from tenants.selectors import tenant_ids_for

# (group, [(title, icon, url name)]); the first resolvable of several names wins (Orders falls
# back to the job list while the Orders page is not in the build).
NAVIGATION = [
    (
        "Orders",
        [
            ("Dashboard", "dashboard", ("admin:index",)),
            ("Orders", "receipt_long", ("admin:sync_orderjob_changelist",)),
            ("Needs attention", "report", ("admin:sync_failures",)),
            (
                "Reconciliation",
                "balance",
                ("admin:reconciliation_reconciliationrun_changelist",),
            ),
            ("Alerts", "notifications", ("admin:alerts_alertchannel_changelist",)),
        ],
    ),
    (
        "Set-up",
        [
            ("Connections", "cable", ("admin:tenants_connection_changelist",)),
            ("Catalog push settings", "sell", ("admin:catalog_catalogsettings_changelist",)),
            ("People", "group", ("admin:tenants_membership_changelist",)),
            ("Invitations", "mail", ("admin:tenants_invitation_changelist",)),
            ("API tokens", "key", ("admin:tenants_apitoken_changelist",)),
        ],
    ),
    (
        "Behind the scenes",
        [
            ("Jobs", "sync", ("admin:sync_syncjob_changelist",)),
            ("Bulk runs", "playlist_play", ("admin:sync_bulkrun_changelist",)),
            ("Catalog pushes", "inventory_2", ("admin:catalog_catalogpush_changelist",)),
            ("Webhooks received", "webhook", ("admin:webhooks_inboundevent_changelist",)),
            ("API calls", "swap_horiz", ("admin:audit_apicall_changelist",)),
        ],
    ),
]


def _link(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _may_open(request, url: str, member: bool) -> bool:
    model_admin = getattr(resolve(url).func, "model_admin", None)
    if model_admin is None:  # a page of its own (the dashboard, failures): any tenant's member
        return member
    if isinstance(model_admin, TenantScopedAdminMixin):  # its own check, without a query
        return member
    return model_admin.has_module_permission(request) and model_admin.has_view_permission(request)


def sidebar_navigation(request) -> list[dict]:
    """The groups and links this person sees."""
    user = request.user
    if not user.is_authenticated or not admin.site.has_permission(request):
        return []
    member = user.is_superuser or bool(tenant_ids_for(user))
    groups = []
    for title, entries in NAVIGATION:
        items = []
        for label, icon, names in entries:
            url = _link(names)
            if url and _may_open(request, url, member):
                items.append({"title": label, "icon": icon, "link": url})
        if items:
            groups.append({"title": title, "separator": bool(groups), "items": items})
    return groups
