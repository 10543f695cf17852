"""Business Central's error answers: always {"error": {"code", "message"}}, the message ending in
the call's correlation id as BC's do; 401s carry WWW-Authenticate naming Entra."""

import uuid

from django.http import JsonResponse


class BcError(Exception):
    def __init__(self, status: int, code: str, message: str, *, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def error_body(error: BcError) -> dict:
    message = f"{error.message}  CorrelationId:  {uuid.uuid4()}."
    return {"error": {"code": error.code, "message": message}}


def error_response(error: BcError) -> JsonResponse:
    response = JsonResponse(error_body(error), status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def _challenge(tenant: str) -> dict:
    return {"WWW-Authenticate": f'Bearer authorization_uri="https://login.microsoftonline.com/'
                                f'{tenant}/oauth2/authorize", resource_id="https://api.'
                                f'businesscentral.dynamics.com"'}  # fmt: skip


def invalid_token(tenant: str = "common") -> BcError:
    # No, an unknown or an expired bearer token.
    return BcError(401, "Authentication_InvalidCredentials",
                   "The server has rejected the client credentials.",
                   headers=_challenge(tenant))  # fmt: skip


def no_access(tenant: str) -> BcError:
    # A valid token of an app not on the environment's "Microsoft Entra Applications" page (or
    # not Enabled there): the user has no entitlements in Business Central.
    return BcError(401, "Authentication_InvalidCredentials",
                   "Web service call failed because user could not be authenticated or "
                   "authorized.", headers=_challenge(tenant))  # fmt: skip


def no_environment(name: str) -> BcError:
    # Status from the docs' 404 for an unknown address; the code and wording are UNCONFIRMED.
    return BcError(404, "NoEnvironment", f"The environment '{name}' does not exist.")


def no_company(company_id: str) -> BcError:
    # Internal_CompanyNotFound is BC's code for a company it cannot find; status and wording
    # for an unknown companies(<id>) are UNCONFIRMED.
    return BcError(404, "Internal_CompanyNotFound",
                   f"Cannot process the request because the company '{company_id}' cannot be "
                   "found.")  # fmt: skip


def no_resource(url: str) -> BcError:
    return BcError(404, "BadRequest_NotFound",
                   f"No HTTP resource was found that matches the request URI '{url}'.")  # fmt: skip


def record_not_found(table: str, field: str, value) -> BcError:
    return BcError(404, "Internal_RecordNotFound",
                   f"The {table} does not exist. Identification fields and values: "
                   f"{field}='{value}'")  # fmt: skip


def bad_request(message: str, code: str = "BadRequest") -> BcError:
    return BcError(400, code, message)


def entity_changed() -> BcError:
    return BcError(409, "Request_EntityChanged",
                   "Another user has already changed the record.")  # fmt: skip


def no_concurrency_token() -> BcError:
    return BcError(400, "BadRequest",
                   "Could not validate the client concurrency token required by the service. "
                   "Please provide a valid token in the client request.")  # fmt: skip


def dialog(message: str) -> BcError:
    # A business rule's refusal (an AL Error()): Application_DialogException, 400.
    return BcError(400, "Application_DialogException", message)


def too_many_requests() -> BcError:
    # The code and wording are UNCONFIRMED; Retry-After on a 429 is too (documented for 502/503
    # only), so none is sent.
    return BcError(429, "Application_TooManyRequests",
                   "Too many requests reached. Actual (6001). Maximum (6000).")  # fmt: skip


def unavailable(retry_after: int) -> BcError:
    return BcError(503, "Unknown", "The service is temporarily unavailable.",
                   headers={"Retry-After": str(retry_after)})  # fmt: skip


def not_an_option(value, options) -> BcError:
    # An enum field given a value it does not have (the $batch docs' example).
    return BcError(400, "Unknown", f"'{value}' is not an option. The existing options are: "
                                   f"{','.join(options)}")  # fmt: skip


def server_error(message: str = "An unexpected error occurred.") -> BcError:
    return BcError(500, "Unknown", message)
