"""One error shape for every API error: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found as django_page_not_found
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError

_DEFAULT_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


def _first_message(detail: Any) -> str:
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else ""
    if isinstance(detail, dict):
        return _first_message(next(iter(detail.values()))) if detail else ""
    return str(detail)


def _first_code(codes: Any) -> str | None:
    if isinstance(codes, list):
        return _first_code(codes[0]) if codes else None
    if isinstance(codes, dict):
        return _first_code(next(iter(codes.values()))) if codes else None
    return codes


def error_body(status: int, message: str, code: str | None = None, fields: dict | None = None) -> dict:
    return {
        "error": {
            "code": code or _DEFAULT_CODES.get(status, "error"),
            "message": message,
            "fields": fields or {},
        }
    }


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        fields = {exc.field: [exc.message]} if exc.field else {}
        return Response(error_body(exc.status, exc.message, exc.code, fields), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response

    detail = exc.detail
    codes = exc.get_codes()
    fields: dict = {}
    if isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        non_field = detail.get("non_field_errors")
        fields = {
            name: [str(message) for message in (errors if isinstance(errors, list) else [errors])]
            for name, errors in detail.items()
            if name != "non_field_errors"
        }
        if non_field:
            message = _first_message(non_field)
        elif fields:
            message = "Some fields are invalid: " + ", ".join(sorted(fields)) + "."
        else:
            message = "The request is invalid."
        code = _first_code(non_field and codes.get("non_field_errors")) or "invalid"
    else:
        message = _first_message(detail)
        code = _first_code(codes)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(int(exc.wait) + 1)
    response.data = error_body(response.status_code, message, code, fields)
    return response


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return JsonResponse(error_body(404, "No such API endpoint."), status=404)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_not_found(request)
    return django_page_not_found(request, exception)
