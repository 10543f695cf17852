"""The set-up pages every OAuth ERP has, configured per ERP: 'Connect <ERP>' (start and callback of
the authorization-code sign-in), the picker of what orders go to (MYOB's company file, Exact's
division), and the mapping settings whose pickers list the ERP's real values.

Every page is for a signed-in staff member with write access to the connection's tenant; the
connection is looked up through the tenant scope, so another tenant's id is a 404.

An ERP's `setup` module provides: `SYSTEM`, `authorize_url(connection, state)`,
`code_exchange(connection, code)`, `connection_connect(connection, tokens=..., **chosen)`,
`picker_choices(connection)` and `mapping_problems(connection, values)`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponseRedirect, QueryDict
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from connectors.errors import ConnectorError
from connectors.oauth_connect import (
    change_page,
    connection_to_set_up,
    erp_settings_merge,
    state_issue,
    state_take,
)
from connectors.registry import connector_class_for
from connectors.setup_page import admin_themed, render_setup_page

GET_OR_POST = require_http_methods(["GET", "POST"])


@dataclass(frozen=True)
class Picker:
    """The page after the sign-in: what orders go to, confirmed by the connector's check."""

    slug: str  # its URL segment
    title: str
    template: str  # extends connectors/picker.html
    button_id: str
    button_label: str
    form: Callable[..., forms.Form]  # (connection, data) -> the unbound or bound form
    save: Callable  # (connection, cleaned_data) -> the saved connection
    unreadable: str = ""  # what could not be read when building the form raises ConnectorError
    context: Callable[..., dict] = lambda connection: {}


@dataclass(frozen=True)
class SetupPages:
    kind: str  # the connection's erp_kind, also the URL namespace
    label: str  # "MYOB": names the ERP in titles and messages
    books: str  # what the ERP keeps the settings in: "company file", "division"
    setup: ModuleType
    picker: Picker
    mapping_fields: Callable[[dict], dict]  # picker choices -> {name: form field}
    mapping_settings: type  # the dataclass whose defaults fill blank fields
    # What the person chose on the vendor's consent page, from the callback's query (MYOB's
    # businessId); a ConnectorError says what is missing.
    chosen_on_consent: Callable[[QueryDict], dict] = field(default=lambda query: {})
    # The mappings page's first line; blank: "Each list shows what is in the <books> now" (true
    # of pickers only: an ERP whose settings are typed says so).
    mappings_intro: str = ""

    def urlpatterns(self) -> list:
        """The same URL names for every ERP, in its own namespace (`app_name = kind`)."""
        return [
            path("connect/callback/", self._view(self.connect_callback, require_GET), name="connect-callback"),
            path("connect/<uuid:pk>/", self._view(self.connect_start, require_GET), name="connect"),
            path(f"connect/<uuid:pk>/{self.picker.slug}/", self._view(self.picker_page), name="picker"),
            path("connect/<uuid:pk>/mappings/", self._view(self.mappings), name="mappings"),
        ]  # fmt: skip

    @staticmethod
    def _view(method, methods=GET_OR_POST):
        return staff_member_required(methods(method))

    def _connection(self, request, pk):
        return connection_to_set_up(request, pk, erp_kind=self.kind)

    def _page(self, name: str, connection) -> str:
        return reverse(f"{self.kind}:{name}", args=[connection.pk])

    def connect_start(self, request, pk):
        connection = self._connection(request, pk)
        state = state_issue(request, system=self.setup.SYSTEM, connection=connection)
        return HttpResponseRedirect(self.setup.authorize_url(connection, state))

    def connect_callback(self, request):
        connection_id = state_take(request, system=self.setup.SYSTEM)
        if connection_id is None:
            return render_setup_page(request, "connectors/sign_in_error.html", {
                "message": f"This {self.label} sign-in was not started here or has already been "
                           f"used. Start again with 'Connect {self.label}' on the connection.",
                "title": f"Connect {self.label}",
            }, status=400)  # fmt: skip
        connection = self._connection(request, connection_id)
        if request.GET.get("error"):
            messages.error(
                request, f"{self.label} access was not granted ({request.GET['error']})."
            )
            return HttpResponseRedirect(change_page(connection))
        try:
            chosen = self.chosen_on_consent(request.GET)
            tokens = self.setup.code_exchange(connection, request.GET.get("code", ""))
        except ConnectorError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(change_page(connection))
        self.setup.connection_connect(connection, tokens=tokens, **chosen)
        return HttpResponseRedirect(self._page("picker", connection))

    def picker_page(self, request, pk):
        """Choose or confirm what orders go to; the connector's check says whether it works."""
        connection = self._connection(request, pk)
        try:
            form = admin_themed(self.picker.form(connection, request.POST or None))
        except ConnectorError as exc:
            messages.error(request, f"{self.picker.unreadable}: {exc.message}")
            return HttpResponseRedirect(change_page(connection))
        result = None
        if request.method == "POST" and form.is_valid():
            connection = self.picker.save(connection, form.cleaned_data)
            result = connector_class_for(self.kind)(connection).check()
            if result.ok:
                messages.success(request, f"{result.message} Now choose how orders are posted.")
                return HttpResponseRedirect(self._page("mappings", connection))
        return render_setup_page(request, self.picker.template, {
            "connection": connection, "form": form, "result": result, "title": self.picker.title,
            "button_id": self.picker.button_id, "button_label": self.picker.button_label,
            **self.picker.context(connection),
        })  # fmt: skip

    def mappings(self, request, pk):
        connection = self._connection(request, pk)
        try:
            choices = self.setup.picker_choices(connection)
        except ConnectorError as exc:
            messages.error(request, f"The {self.books}'s settings could not be read: {exc.message}")
            return HttpResponseRedirect(change_page(connection))
        # Each picker lists the ERP's real values, so only those can be saved.
        fields = self.mapping_fields(choices)
        defaults, stored = self.mapping_settings(), connection.erp_settings or {}
        initial = {name: stored.get(name) or getattr(defaults, name) for name in fields}
        form_class = type("MappingForm", (forms.Form,), fields)
        form = admin_themed(form_class(data=request.POST or None, initial=initial))
        if request.method == "POST" and form.is_valid():
            # Checked again on saving: a value may have gone from the ERP since the page was drawn.
            problems = self.setup.mapping_problems(connection, form.cleaned_data)
            for name, message in problems.items():
                form.add_error(None if name == "__all__" else name, message)
            if not problems:
                erp_settings_merge(connection, form.cleaned_data)
                messages.success(
                    request,
                    f"{self.label} mappings saved; they were checked against the {self.books}.",
                )
                return HttpResponseRedirect(change_page(connection))
        return render_setup_page(request, "connectors/mappings.html", {
            "connection": connection, "form": form, "title": f"{self.label} mappings",
            "label": self.label, "books": self.books, "intro": self.mappings_intro,
        })  # fmt: skip
