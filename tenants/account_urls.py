"""Password reset by e-mail and invitation links, mounted under /admin/ before the admin's own
URLs (the admin's sign-in page links to `admin_password_reset` when it exists)."""

from django.urls import path

from tenants import account_views

urlpatterns = [
    path(
        "password_reset/",
        account_views.PasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "password_reset/done/",
        account_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        account_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitation/<str:value>/", account_views.invitation_accept_view, name="invitation_accept"),
]
