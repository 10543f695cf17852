"""Acumatica's error answers: ASP.NET's `HttpError` {message, exceptionMessage, exceptionType,
stackTrace} for 400/401/404/412/429/500, and for a 422 the entity itself with `error` on the
failing field."""

from django.http import JsonResponse


class AcuError(Exception):
    """An HttpError answer; `entity` (for 422) answers that body instead."""

    def __init__(self, status: int, message: str, *, exception: str = "", kind: str = "",
                 entity: dict | None = None, headers: dict | None = None):  # fmt: skip
        super().__init__(message)
        self.status, self.message = status, message
        self.exception = exception or message
        self.kind = kind or "PX.Api.ContractBased.OutcomeEntityHasErrorsException"
        self.entity, self.headers = entity, headers or {}


def bad_request(message: str) -> AcuError:
    # The wording of a malformed body's 400 is UNCONFIRMED; the HttpError shape is the file's.
    return AcuError(400, "The request is invalid.", exception=message,
                    kind="PX.Api.ContractBased.ContractBasedException")  # fmt: skip


def not_found(message: str = "No entity satisfies the condition.") -> AcuError:
    return AcuError(
        404, message, kind="PX.Api.ContractBased.NoEntitySatisfiesTheConditionException"
    )


def unauthorized() -> AcuError:
    # UNCONFIRMED wording; the status and HttpError shape are the file's (ContractBasedControllerBase_401).
    return AcuError(401, "You are not logged in.", kind="PX.Data.PXNotLoggedInException")


def login_limit() -> AcuError:
    # Acumatica's C# client maps a body containing "API Login Limit" to 429.
    return AcuError(
        429, "API Login Limit",
        exception="You have reached the API Login Limit of this licence. Sign out of the sessions "
        "you no longer use or wait until they expire.",
        kind="PX.Data.PXException",
    )  # fmt: skip


def too_many_requests() -> AcuError:
    # No Retry-After: the fact sheet finds none documented (UNCONFIRMED), so none is sent.
    return AcuError(
        429, "The number of requests has exceeded the limit imposed by the license.",
        kind="PX.Api.ContractBased.ApiRequestLimitExceededException",
    )  # fmt: skip


def server_error(message: str = "An error has occurred.") -> AcuError:
    return AcuError(500, message, kind="System.Exception")


def field_error(entity: dict, message: str) -> AcuError:
    """A 422: the entity as sent, `entity` already carrying `error` on the failing field."""
    return AcuError(422, message, entity=entity)


def error_response(error: AcuError) -> JsonResponse:
    if error.entity is not None:
        body = error.entity
    else:
        body = {"message": error.message, "exceptionMessage": error.exception,
                "exceptionType": error.kind, "stackTrace": None}  # fmt: skip
    response = JsonResponse(body, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response
