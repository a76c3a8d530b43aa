"""Honour `Idempotency-Key` on money-moving API requests.

The first request with a key runs and its response is stored; a retry with the same key and
the same request gets the stored response; the same key with another request, or while the
first is still running, gets 409. Server errors are not stored, so they can be retried.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps

from django.db import IntegrityError, transaction
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_errors import error_body
from payments.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str) if request.data else ""
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _conflict(message: str) -> Response:
    return Response(error_body(409, message, "idempotency_conflict"), status=status.HTTP_409_CONFLICT)


def idempotent(view_method: Callable) -> Callable:
    """Decorate a DRF view method (self, request, *args, **kwargs)."""

    @wraps(view_method)
    def wrapper(self, request: Request, *args, **kwargs) -> Response:
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            return Response(
                error_body(400, f"{HEADER} is longer than {MAX_KEY_LENGTH} characters.", "invalid"),
                status=400,
            )
        tenant, user, fingerprint = request.tenant, request.user, _fingerprint(request)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    tenant=tenant, user=user, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            stored = IdempotencyRecord.objects.get(tenant=tenant, user=user, key=key)
            if stored.fingerprint != fingerprint:
                return _conflict(f"This {HEADER} was used for a different request.")
            if stored.status_code is None:
                return _conflict(f"A request with this {HEADER} is still being processed.")
            response = Response(stored.response_body, status=stored.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            response = view_method(self, request, *args, **kwargs)
        except Exception:
            record.delete()
            raise
        if response.status_code >= 500:
            record.delete()
        else:
            record.status_code = response.status_code
            record.response_body = response.data
            record.save(update_fields=["status_code", "response_body"])
        return response

    return wrapper
