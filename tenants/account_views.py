"""Pages a person meets before they are signed in: resetting a password by e-mail, and
accepting an invitation. They sit in the admin theme, like the sign-in page."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from tenants.account_forms import (
    EmailPasswordResetForm,
    InvitationPasswordForm,
    StyledSetPasswordForm,
)
from tenants.invitations import (
    invitation_accept,
    invitation_accept_with_password,
    invitation_for_link,
    invitation_is_for,
    user_with_email,
)
from tenants.models import Invitation


class AdminThemeMixin:
    """The admin's context (site title, theme, styles) for pages outside the admin's views."""

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


class PasswordResetView(AdminThemeMixin, auth_views.PasswordResetView):
    form_class = EmailPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"


class PasswordResetDoneView(AdminThemeMixin, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(AdminThemeMixin, auth_views.PasswordResetConfirmView):
    form_class = StyledSetPasswordForm


class PasswordResetCompleteView(AdminThemeMixin, auth_views.PasswordResetCompleteView):
    pass


# --- invitations ------------------------------------------------------------------------------
WHY_NOT = {
    None: "This invitation link is not valid. Check that you opened the whole link from the "
    "e-mail, or ask the person who invited you to send a new invitation.",
    "withdrawn": "This invitation was withdrawn, or replaced by a newer one. Use the link in the "
    "latest invitation e-mail, or ask the person who invited you to send a new one.",
    "expired": "This invitation has expired. Ask the person who invited you to send a new one.",
    "accepted": "This invitation has already been accepted. Sign in with {email}; if you do not "
    "know the password, use 'Forgotten your password?' on the sign-in page.",
}


def _page(request, template: str, invitation: Invitation | None, **context):
    context = {
        **admin.site.each_context(request),
        "title": "Invitation",
        "invitation": invitation,
        **context,
    }
    return TemplateResponse(request, f"tenants/invitation/{template}.html", context)


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation_accept_view(request, value: str):
    """The e-mailed link. Signed in as the invited address: confirm and join. Signed out with an
    account that has a password: sign in first (and come back here). Otherwise: choose a
    password, which makes the account and accepts in one step."""
    invitation = invitation_for_link(value)
    state = invitation.state if invitation else None
    if state != "pending":
        email = invitation.email if invitation else ""
        return _page(request, "closed", invitation, reason=WHY_NOT[state].format(email=email))

    invited = user_with_email(invitation.email)
    if request.user.is_authenticated:
        if not invitation_is_for(invitation, request.user):
            return _page(request, "other_account", invitation)
        if request.method == "POST":
            return _accepted(request, invitation, request.user)
        return _page(request, "confirm", invitation)

    if invited is not None and invited.has_usable_password():
        sign_in = f"{reverse('admin:login')}?next={request.path}"
        return _page(request, "sign_in", invitation, sign_in_url=sign_in)

    person = invited or _new_person(invitation.email)
    form = InvitationPasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept_with_password(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            return _page(request, "closed", invitation, reason=" ".join(exc.messages))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return _welcome(request, invitation)
    return _page(request, "set_password", invitation, form=form)


def _new_person(email: str):
    """The account-to-be, unsaved: the password validators compare the password with it."""
    return get_user_model()(username=email, email=email)


def _accepted(request, invitation, user):
    try:
        invitation_accept(invitation=invitation, user=user)
    except ValidationError as exc:
        return _page(request, "closed", invitation, reason=" ".join(exc.messages))
    return _welcome(request, invitation)


def _welcome(request, invitation):
    messages.success(
        request,
        f"Welcome to {invitation.tenant}: you are a member as "
        f"{invitation.get_role_display().lower()}.",
    )
    return redirect("admin:index")
