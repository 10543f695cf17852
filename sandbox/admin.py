"""The sandboxes' OAuth server in the admin: tokens and token-endpoint calls of every vendor.
Superusers only — the sandbox is platform machinery, not a tenant's."""

from django.contrib import admin
from unfold.admin import ModelAdmin

from sandbox.bigcommerce.admin import SuperuserOnly
from sandbox.models import IssuedToken, TokenRequest


@admin.register(IssuedToken)
class IssuedTokenAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["pk", "app", "grant", "issued_at", "refresh_used", "dead"]
    list_filter = ["app__vendor"]
    exclude = ["access_token", "refresh_token"]


@admin.register(TokenRequest)
class TokenRequestAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["created_at", "vendor", "client_id", "grant_type", "status_code", "message"]
    list_filter = ["vendor"]
