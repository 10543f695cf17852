"""secure.myob.com's OAuth 2.0 flow on the sandboxes' one server (sandbox.oauth).

- GET/POST /sandbox/myob/oauth2/account/authorize — the consent page: a person approves access
  and picks a company file; the redirect carries `code` and `state`, and `businessId` /
  `businessName` only when the request said `prompt=consent` (as MYOB does since March 2025).
- POST /sandbox/myob/oauth2/v1/authorize — the token endpoint (form-encoded): code exchange and
  refresh. Access tokens last 20 minutes, `expires_in` is a string ("1200"), and every refresh
  returns a new refresh token while the old one stops working.
"""

from sandbox.models import AuthCode, IssuedToken
from sandbox.myob.models import MyobApiKey, MyobBusiness
from sandbox.oauth import OAuthServer


class MyobOAuth(OAuthServer):
    vendor = MyobApiKey.VENDOR
    app_model = MyobApiKey
    prefix = "sbx"
    code_seconds = 300  # MYOB: "expires 2-5 minutes after it is issued"
    authorize_params = ("client_id", "redirect_uri", "response_type", "scope", "state", "prompt")
    page = {
        "name": "MYOB", "owner": "business", "scopes": True, "legend": "Business (company file)",
        "field": "business", "none": "You have no businesses.", "csrf": True,
    }  # fmt: skip
    page_errors = {
        "client": "The client_id is not a registered API key.",
        "unregistered": (
            "This API key has no redirect URI registered, so the sign-in cannot be sent "
            "anywhere. Register the app's callback address with the key, then start again."
        ),
        "redirect": "The redirect_uri does not match the one registered for this key.",
        "pick": "Pick a company file.",
    }
    refusals = {
        "client": (401, "invalid_client", "Invalid client id or secret."),
        "code": (400, "invalid_grant", "The code is invalid or has expired."),
        "redirect": (400, "invalid_grant", "The redirect_uri does not match."),
        "refresh": (400, "invalid_grant", "The refresh token is invalid."),
        "grant_type": (400, "unsupported_grant_type", "{grant_type} not supported."),
    }

    def owners(self):
        return MyobBusiness.objects.order_by("name")

    def choices(self, owners):
        return [(business.uid, business.name) for business in owners]

    def picked(self, owners, value):
        return owners.filter(uid=value).first()

    def grant_of(self, owner):
        return str(owner.uid)

    def page_context(self, params):
        return {"scopes": params["scope"].split()}

    def consent_answer(self, params, code: AuthCode, owner):
        answer = super().consent_answer(params, code, owner)
        if params["prompt"] == "consent":
            answer |= {"businessId": str(owner.uid), "businessName": owner.name}
        return answer

    def token_body(self, token: IssuedToken, app):
        return super().token_body(token, app) | {
            "scope": token.scope,
            "user": {"uid": "5f0c1c8e-sandbox-user", "username": "sandbox@example.com"},
        }


SERVER = MyobOAuth()
authorize, token = SERVER.views()


def token_body(token: IssuedToken) -> dict:
    return SERVER.token_body(token, SERVER.app_of(token))


def issue_token(
    api_key: MyobApiKey, business_id: str = "", scope: str = "CompanyFile"
) -> IssuedToken:
    return SERVER.issue(api_key, business_id, scope)
