"""Back-office page for the platform owner: the payment gateways and their settings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from payments.gateways.registry import GATEWAY_CLASSES, default_gateway_name, get_gateway


def gateways(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    views = [get_gateway(name).settings_view() for name in GATEWAY_CLASSES]
    return render(
        request,
        "payments/admin/gateways.html",
        {"gateways": views, "default_gateway": default_gateway_name()},
    )
