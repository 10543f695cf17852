"""Exact Online's OAuth 2.0 flow on the sandboxes' one server (sandbox.oauth), at
/sandbox/exact_online/api/oauth2/.

- auth: the consent page; a person approves and picks the administration (division); the
  redirect carries `code` and `state`.
- token (form-encoded): code exchange and refresh. Access tokens last 10 minutes and
  `expires_in` is a string ("600"). A refresh token works once: reusing it answers 401 "Old
  refresh token used." and kills its whole chain. A refresh sooner than 570 s after the previous
  token answers 401 "Access token not expired" (body and reason phrase). A refresh token unused
  for 30 days answers 400 "The refresh token expired at …". Token calls per app per day are
  capped (429).
"""

from datetime import timedelta

from django.utils import timezone

from sandbox.exact_online.models import ExactApp, ExactDivision
from sandbox.models import IssuedToken, TokenRequest
from sandbox.oauth import OAuthServer

REFRESH_TOKEN_DAYS = 30  # a refresh token unused this long needs a new consent


class ExactOAuth(OAuthServer):
    vendor = ExactApp.VENDOR
    app_model = ExactApp
    prefix = "sbx-exact"
    code_seconds = 180  # "valid about 3 minutes", single use
    authorize_params = ("client_id", "redirect_uri", "response_type", "state", "force_login")
    page = {
        "name": "Exact Online", "owner": "administration", "scopes": False,
        "legend": "Administration (division)",
        "field": "division", "none": "You have no administrations.", "csrf": False,
    }  # fmt: skip
    page_errors = {
        "client": "The client_id is not a registered app.",
        "unregistered": (
            "This app has no redirect URI registered, so the sign-in cannot be sent anywhere. "
            "Register the app's callback address, then start again."
        ),
        "redirect": "The redirect_uri does not match the app's.",
        "pick": "Pick an administration.",
    }
    refusals = {
        "client": (400, "invalid_client", ""),
        "code": (400, "invalid_grant", ""),
        "redirect": (400, "invalid_request", ""),
        "refresh": (400, "invalid_request", ""),
        "grant_type": (400, "unsupported_grant_type", ""),
    }

    def owners(self):
        return ExactDivision.objects.order_by("code")

    def choices(self, owners):
        return [(division.code, f"{division.code} {division.name}") for division in owners]

    def picked(self, owners, value):
        return owners.filter(code=value or 0).first()

    def grant_of(self, owner):
        return str(owner.code)

    def before_grant(self, app, client_id, grant_type):
        today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        spent = TokenRequest.objects.filter(
            vendor=self.vendor, client_id=client_id, created_at__gte=today
        ).count()
        if spent < app.token_calls_per_day:
            return None
        return self.answer(client_id, grant_type, 429, {
            "error": "too_many_requests", "error_description": "Token requests per day exceeded.",
        })  # fmt: skip

    def spent_refresh(self, app, old):
        # Reuse: every token of this consent stops working; the user has to consent again.
        IssuedToken.objects.filter(chain=old.chain).update(dead=True)
        return self.answer(app.client_id, "refresh_token", 401, {
            "error": "unauthorized_client", "error_description": "Old refresh token used.",
        })  # fmt: skip

    def before_refresh(self, app, old):
        now = timezone.now()
        expired_at = old.issued_at + timedelta(days=REFRESH_TOKEN_DAYS)
        if now >= expired_at:
            return self.answer(app.client_id, "refresh_token", 400, {
                "error": "invalid_request", "error_description": (
                    f"The refresh token expired at {_stamp(expired_at)} and it is now {_stamp(now)}."
                ),
            })  # fmt: skip
        if now < old.issued_at + timedelta(seconds=app.min_refresh_seconds):
            return self.answer(app.client_id, "refresh_token", 401, {
                "error": "invalid_request", "error_description": "Access token not expired",
            }, reason="Access token not expired")  # fmt: skip
        return None


def _stamp(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ")


SERVER = ExactOAuth()
authorize, token = SERVER.views()


def token_body(token: IssuedToken) -> dict:
    return SERVER.token_body(token, SERVER.app_of(token))


def issue_token(app: ExactApp, division: ExactDivision, chain=None) -> IssuedToken:
    return SERVER.issue(app, str(division.code), chain=chain)
