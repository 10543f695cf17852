"""The forms of signing in, resetting a password and accepting an invitation, in the admin theme.
People sign in with their e-mail address (it is their username)."""

import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from unfold.forms import AuthenticationForm
from unfold.widgets import BASE_INPUT_CLASSES

INPUT_CLASS = " ".join(BASE_INPUT_CLASSES)


def same_address(one: str, other: str) -> bool:
    """The same address, compared as Django's own reset form does (NFKC, case-folded)."""
    fold = lambda text: unicodedata.normalize("NFKC", text).casefold()  # noqa: E731
    return fold(one) == fold(other)


class EmailAuthenticationForm(AuthenticationForm):
    """The admin's sign-in form (settings.UNFOLD["LOGIN"]["form"]): the name box asks for what
    people actually type, their e-mail address."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs["autocomplete"] = "email"
        self.error_messages["invalid_login"] = (
            "That e-mail address and password do not match an account that may use the admin. "
            "Check both (the password is case-sensitive), or use 'Forgotten your password?' "
            "below to set a new one."
        )


class EmailPasswordResetForm(PasswordResetForm):
    """Django's reset form, which also reaches people who never had a password (invited before
    invitations set one, or made by a superuser): for them the e-mail sets the first one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].widget.attrs.update({"class": INPUT_CLASS, "autofocus": ""})

    def get_users(self, email):
        email_field = get_user_model().get_email_field_name()
        users = get_user_model()._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        return (user for user in users if same_address(email, getattr(user, email_field)))


class StyledSetPasswordForm(SetPasswordForm):
    """Choosing a new password (from a reset link, or when accepting an invitation)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["class"] = INPUT_CLASS
        self.fields["new_password1"].widget.attrs["autofocus"] = ""


class InvitationPasswordForm(StyledSetPasswordForm):
    """The password of a person accepting an invitation who has none yet."""

    email = forms.EmailField(label="Email address", disabled=True, required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["email"].initial = user.email
        self.fields["email"].widget.attrs.update({"class": INPUT_CLASS, "autocomplete": "email"})
        self.order_fields(["email", "new_password1", "new_password2"])
