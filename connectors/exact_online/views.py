"""'Connect Exact Online': the sign-in, the division, and the mapping settings.

Every view is for a signed-in staff member with write access to the connection's tenant; the
connection is looked up through the tenant scope, so another tenant's id is a 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from connectors.config import picker_field
from connectors.errors import ConnectorError
from connectors.exact_online import setup
from connectors.exact_online.auth import SYSTEM
from connectors.exact_online.mapping import MappingSettings
from connectors.oauth_connect import change_page, connection_to_set_up, state_issue, state_take
from connectors.setup_page import admin_themed, render_setup_page


def _connection(request, pk):
    return connection_to_set_up(request, pk, erp_kind="exact_online")


@staff_member_required
@require_GET
def connect_start(request, pk):
    connection = _connection(request, pk)
    state = state_issue(request, system=SYSTEM, connection=connection)
    return HttpResponseRedirect(setup.authorize_url(connection, state))


@staff_member_required
@require_GET
def connect_callback(request):
    connection_id = state_take(request, system=SYSTEM)
    if connection_id is None:
        return render_setup_page(request, "connectors_exact_online/error.html", {
            "message": "This Exact Online sign-in was not started here or has already been used. "
                       "Start again with 'Connect Exact Online' on the connection.",
            "title": "Connect Exact Online",
        }, status=400)  # fmt: skip
    connection = _connection(request, connection_id)
    if request.GET.get("error"):
        messages.error(request, f"Exact Online access was not granted ({request.GET['error']}).")
        return HttpResponseRedirect(change_page(connection))
    try:
        tokens = setup.code_exchange(connection, request.GET.get("code", ""))
    except ConnectorError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(change_page(connection))
    setup.connection_connect(connection, tokens=tokens)
    return HttpResponseRedirect(reverse("exact-division", args=[connection.pk]))


@staff_member_required
@require_http_methods(["GET", "POST"])
def division(request, pk):
    """Pick the administration; the check reads it (current/Me and its sales journals)."""
    from connectors.exact_online.connector import ExactOnlineConnector

    connection = _connection(request, pk)
    try:
        choices = setup.division_choices(connection)
    except ConnectorError as exc:
        messages.error(request, f"The divisions could not be read: {exc.message}")
        return HttpResponseRedirect(change_page(connection))
    stored = (connection.erp_settings or {}).get("division")
    field = forms.TypedChoiceField(label="Division", choices=choices, coerce=int)
    form_class = type("DivisionForm", (forms.Form,), {"division": field})
    form = admin_themed(
        form_class(request.POST or None, initial={"division": stored or choices[0][0]})
    )
    result = None
    if request.method == "POST" and form.is_valid():
        connection = setup.division_save(connection, form.cleaned_data["division"])
        result = ExactOnlineConnector(connection).check()
        if result.ok:
            messages.success(request, f"{result.message} Now choose how orders are posted.")
            return HttpResponseRedirect(reverse("exact-mappings", args=[connection.pk]))
    return render_setup_page(request, "connectors_exact_online/division.html", {
        "connection": connection, "form": form, "result": result, "title": "Exact Online division",
    })  # fmt: skip


def mapping_form(choices: dict, initial: dict, data=None) -> forms.Form:
    """Each picker lists the division's real values, so only those can be saved."""

    fields = {
        "journal": picker_field("Sales journal", choices["journals"]),
        "gl_revenue": picker_field("Revenue GL account", choices["gl_accounts"], False, "Each item's own"),
        "vat_taxable": picker_field("VAT code for taxed lines", choices["vat_codes"]),
        "vat_non_taxable": picker_field("VAT code for untaxed lines", choices["vat_codes"]),
        "vat_shipping": picker_field("VAT code for shipping", choices["vat_codes"]),
        "shipping_item": picker_field("Item for the shipping line", choices["items"]),
        "shipping_gl": picker_field("GL account for shipping", choices["gl_accounts"], False, "The item's own"),
        "cost_center": picker_field("Default cost centre", choices["cost_centers"], False, "None"),
        "cost_center_rules": forms.CharField(
            label="Cost centre rules", required=False, widget=forms.Textarea(attrs={"rows": 4}),
            help_text="One a line, first match wins: 'country=GB -> UK', 'currency=USD -> US', "
                      "'channel=2 -> WHOLESALE' (the BigCommerce channel id).",
        ),
        "unmapped_sku_item": picker_field(
            "Item for SKUs Exact does not have", choices["items"], False,
            "Fail the order and name the SKU",
        ),
    }  # fmt: skip
    return admin_themed(type("ExactMappingForm", (forms.Form,), fields)(data=data, initial=initial))


@staff_member_required
@require_http_methods(["GET", "POST"])
def mappings(request, pk):
    connection = _connection(request, pk)
    try:
        choices = setup.picker_choices(connection)
    except ConnectorError as exc:
        messages.error(request, f"The division's settings could not be read: {exc.message}")
        return HttpResponseRedirect(change_page(connection))
    defaults, stored = MappingSettings(), connection.erp_settings or {}
    names = [name for name in MappingSettings.__dataclass_fields__ if name != "parsed_rules"]
    initial = {name: stored.get(name) or getattr(defaults, name) for name in names}
    form = mapping_form(choices, initial, request.POST or None)
    if request.method == "POST" and form.is_valid():
        problems = setup.mapping_problems(
            connection, form.cleaned_data
        )  # fresh: values may be gone
        for field, message in problems.items():
            form.add_error(None if field == "__all__" else field, message)
        if not problems:
            connection.erp_settings = {**stored, **form.cleaned_data}
            connection.save(update_fields=["erp_settings", "updated_at"])
            messages.success(
                request, "Exact Online mappings saved; they were checked against the division."
            )
            return HttpResponseRedirect(change_page(connection))
    return render_setup_page(request, "connectors_exact_online/mappings.html", {
        "connection": connection, "form": form, "title": "Exact Online mappings",
    })  # fmt: skip
