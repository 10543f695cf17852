"""'Connect MYOB': the OAuth authorization-code flow, the company file, and the mapping settings.

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
from connectors.myob import setup
from connectors.myob.config import INVOICE_NUMBER_CHOICES, TAX_INCLUSIVE_CHOICES
from connectors.oauth_connect import change_page, connection_to_set_up, state_issue, state_take
from connectors.setup_page import admin_themed, render_setup_page


def _connection(request, pk):
    return connection_to_set_up(request, pk, erp_kind="myob")


@staff_member_required
@require_GET
def connect_start(request, pk):
    connection = _connection(request, pk)
    state = state_issue(request, system=setup.SYSTEM, connection=connection)
    return HttpResponseRedirect(setup.authorize_url(state))


@staff_member_required
@require_GET
def connect_callback(request):
    connection_id = state_take(request, system=setup.SYSTEM)
    if connection_id is None:
        return render_setup_page(request, "connectors_myob/error.html", {
            "message": "This MYOB sign-in was not started here or has already been used. Start "
                       "again with 'Connect MYOB' on the connection.",
            "title": "Connect MYOB",
        }, status=400)  # fmt: skip
    connection = _connection(request, connection_id)
    if request.GET.get("error"):
        messages.error(request, f"MYOB access was not granted ({request.GET['error']}).")
        return HttpResponseRedirect(change_page(connection))
    business_id = request.GET.get("businessId", "")
    if not business_id:
        messages.error(request, "MYOB did not say which company file was chosen: connect again.")
        return HttpResponseRedirect(change_page(connection))
    try:
        tokens = setup.code_exchange(connection, request.GET.get("code", ""))
    except ConnectorError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(change_page(connection))
    setup.connection_connect(
        connection, tokens=tokens, business_id=business_id,
        business_name=request.GET.get("businessName", ""),
    )  # fmt: skip
    return HttpResponseRedirect(reverse("myob-company-file", args=[connection.pk]))


class CompanyFileForm(forms.Form):
    username = forms.CharField(
        label="Company file user name", required=False, max_length=100,
        help_text="Leave blank if the company file uses your my.MYOB login.",
    )  # fmt: skip
    password = forms.CharField(
        label="Company file password", required=False, max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text="Stored encrypted. Leave blank to keep the stored password.",
    )  # fmt: skip


@staff_member_required
@require_http_methods(["GET", "POST"])
def company_file(request, pk):
    """Confirm the company file and enter its user once; the check says which part failed."""
    from connectors.myob.connector import MyobConnector

    connection = _connection(request, pk)
    stored = connection.erp_settings or {}
    form = admin_themed(
        CompanyFileForm(
            request.POST or None, initial={"username": stored.get("company_file_username", "")}
        )
    )
    result = None
    if request.method == "POST" and form.is_valid():
        connection = setup.company_file_credentials_save(
            connection,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        result = MyobConnector(connection).check()
        if result.ok:
            messages.success(request, f"{result.message} Now choose how orders are posted.")
            return HttpResponseRedirect(reverse("myob-mappings", args=[connection.pk]))
    return render_setup_page(request, "connectors_myob/company_file.html", {
        "connection": connection, "form": form, "result": result, "title": "MYOB company file",
        "business_id": stored.get("business_id", ""), "business_name": stored.get("business_name", ""),
    })  # fmt: skip


def mapping_form(choices: dict, initial: dict, data=None) -> forms.Form:
    """Each picker lists the company file's real values, so only those can be saved."""

    fields = {
        "tax_code_taxable": picker_field("Tax code for taxable lines", choices["tax_codes"]),
        "tax_code_non_taxable": picker_field("Tax code for non-taxable lines", choices["tax_codes"]),
        "freight_tax_code": picker_field("Freight tax code", choices["tax_codes"]),
        "unmapped_sku_account": picker_field(
            "Income account for SKUs without a MYOB item", choices["accounts"], False,
            "Fail the order (no income account)",
        ),
        "category": picker_field("Sale category", choices["categories"], bool(choices["categories"])),
        "tax_inclusive": forms.ChoiceField(label="Invoice prices", choices=TAX_INCLUSIVE_CHOICES),
        "invoice_number": forms.ChoiceField(label="Invoice numbers", choices=INVOICE_NUMBER_CHOICES),
        "invoice_number_prefix": forms.CharField(label="Invoice number prefix", max_length=5, required=False),
        "freight_item": picker_field("Item for a freight line", choices["items"], False, "Use the invoice's freight field"),
    }  # fmt: skip
    form_class = type("MyobMappingForm", (forms.Form,), fields)
    return admin_themed(form_class(data=data, initial=initial))


@staff_member_required
@require_http_methods(["GET", "POST"])
def mappings(request, pk):
    from connectors.myob.mapping import MappingSettings

    connection = _connection(request, pk)
    try:
        choices = setup.picker_choices(connection)
    except ConnectorError as exc:
        messages.error(request, f"The company file's settings could not be read: {exc.message}")
        return HttpResponseRedirect(change_page(connection))
    defaults = MappingSettings()
    stored = connection.erp_settings or {}
    initial = {
        name: stored.get(name) or getattr(defaults, name)
        for name in MappingSettings.__dataclass_fields__
    }
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
                request, "MYOB mappings saved; they were checked against the company file."
            )
            return HttpResponseRedirect(change_page(connection))
    return render_setup_page(request, "connectors_myob/mappings.html", {
        "connection": connection, "form": form, "title": "MYOB mappings",
    })  # fmt: skip
