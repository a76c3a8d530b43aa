"""Endpoints BBB calls back: meeting ended (our token), recording ready (JWT), analytics (bearer JWT).

Each answers 401 and changes nothing when its proof does not verify, and 200 otherwise, also when
called again (BBB retries, relays may duplicate).
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from conferencing.services import callbacks


def _rejected(reason: str) -> JsonResponse:
    return JsonResponse({"error": {"code": "unauthorized", "message": reason, "fields": {}}}, status=401)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def meeting_ended(request: HttpRequest, token: str) -> HttpResponse:
    try:
        callbacks.meeting_ended(request.tenant, token)
    except callbacks.CallbackRejected as error:
        return _rejected(str(error))
    return HttpResponse("ok")


@csrf_exempt
@require_http_methods(["POST"])
def recording_ready(request: HttpRequest) -> HttpResponse:
    try:
        callbacks.recording_ready(request.tenant, request.POST.get("signed_parameters", ""))
    except callbacks.CallbackRejected as error:
        return _rejected(str(error))
    return HttpResponse("ok")


@csrf_exempt
@require_http_methods(["POST"])
def analytics(request: HttpRequest) -> HttpResponse:
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": {"code": "invalid", "message": "Not JSON.", "fields": {}}}, status=400)
    try:
        callbacks.analytics(request.tenant, request.headers.get("Authorization", ""), payload)
    except callbacks.CallbackRejected as error:
        return _rejected(str(error))
    return HttpResponse("ok")
