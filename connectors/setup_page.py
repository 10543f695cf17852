"""The set-up pages of a connection (sign-in, company file or division, mappings) drawn as admin
pages: with the admin's context, without which the theme has no sidebar and no colours (buttons
and input borders come out transparent), and with the theme's own form widgets."""

from django import forms
from django.contrib import admin
from django.shortcuts import render

from tenants.forms import admin_styled


def admin_themed(form: forms.Form) -> forms.Form:
    """The form with each field in the admin theme's widget (bordered inputs, styled pickers)."""
    for field in form.fields.values():
        admin_styled(field)
    return form


def render_setup_page(request, template: str, context: dict, status: int = 200):
    return render(request, template, {**admin.site.each_context(request), **context}, status=status)
