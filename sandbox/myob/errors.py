"""MYOB's error body: `{"Errors": [{Name, Message, AdditionalDetails, ErrorCode, Severity,
LearnMore}], "Information": …}`, always JSON, whatever the status.

Names and codes documented by MYOB: RateLimitError (403), DeveloperInactive (403),
SerializationError (50), Required (100), NotFound (150), IncorrectRowVersionSupplied (409).
The others here (OAuthTokenIsInvalid, the company-file credential errors, InvalidApiVersion,
AccessDenied for a scope) follow the same shape; their exact names are UNCONFIRMED, so the
connector reads the *header* named in AdditionalDetails, not the Name, to tell what failed.
"""

import uuid

from django.http import JsonResponse

LEARN_MORE = "https://developer.myob.com/api/myob-business-api/api-overview/error-messages/"


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        name: str,
        message: str,
        details: str = "",
        code: int | None = None,
        more: list[dict] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.errors = [error_item(name, message, details, code), *(more or [])]

    @property
    def name(self) -> str:
        return self.errors[0]["Name"]


def error_item(name: str, message: str, details: str = "", code: int | None = None) -> dict:
    return {
        "Name": name,
        "Message": message,
        "AdditionalDetails": details,
        "ErrorCode": code,
        "Severity": "Error",
        "LearnMore": LEARN_MORE,
    }


def error_response(error: ApiError) -> JsonResponse:
    response = JsonResponse({"Errors": error.errors, "Information": ""}, status=error.status)
    response["x-myobapi-requestid"] = str(uuid.uuid4())
    return response


def required(field: str) -> dict:
    return error_item("Required", f"{field} is required", field, 100)


def not_found(field: str, uid) -> dict:
    return error_item("NotFound", f"{field} with UID {uid} was not found", field, 150)


def validation(name: str, message: str, details: str, code: int | None = None) -> dict:
    return error_item(name, message, details, code)


def bad_request(items: list[dict]) -> ApiError:
    first, *rest = items
    error = ApiError(400, first["Name"], first["Message"], first["AdditionalDetails"])
    error.errors = [first, *rest]
    return error


def rate_limited(period: str) -> ApiError:
    return ApiError(
        403,
        "RateLimitError",
        f"API key has exceeded the {period} rate limit",
        "Header: x-myobapi-key",
    )
