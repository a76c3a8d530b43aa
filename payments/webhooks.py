"""One webhook endpoint per gateway: verify, store once, apply."""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.api_errors import error_body
from payments.exceptions import PaymentsError
from payments.gateways.base import InvalidWebhook
from payments.gateways.registry import GATEWAY_CLASSES, get_gateway
from payments.services.gateway_payments import handle_event

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def receive(request: HttpRequest, gateway_name: str) -> JsonResponse:
    if gateway_name not in GATEWAY_CLASSES:
        return JsonResponse(error_body(404, "No such gateway."), status=404)
    gateway = get_gateway(gateway_name)
    try:
        event = gateway.parse_webhook(request.body, request.headers)
    except InvalidWebhook as error:
        logger.warning("Rejected %s webhook: %s", gateway_name, error)
        return JsonResponse(error_body(400, f"Invalid webhook: {error}", "invalid_webhook"), status=400)
    try:
        stored = handle_event(gateway.name, event)
    except PaymentsError as error:
        # Nothing was committed; the provider will retry.
        logger.error("Webhook %s could not be applied: %s", event.event_id, error.message)
        return JsonResponse(error_body(error.status, error.message, error.code), status=500)
    return JsonResponse({"received": True, "outcome": stored.outcome})
