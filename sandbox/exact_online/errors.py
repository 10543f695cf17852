"""Exact Online's error bodies: REST `{"error":{"code","message":{"lang","value"}}}`; the token
endpoint `{"error", "error_description"}`."""

from django.http import JsonResponse


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def error_response(error: ApiError) -> JsonResponse:
    body = {"error": {"code": "", "message": {"lang": "", "value": error.message}}}
    response = JsonResponse(body, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response
