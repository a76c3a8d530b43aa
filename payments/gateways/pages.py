"""The payer's pages around the redirect gateways: PayPal's return, Authorize.net's form post, cancel.

Nothing here credits a wallet by itself: the PayPal return captures through the same locked,
idempotent path as the webhook, and Authorize.net results arrive only by webhook.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from payments.exceptions import GatewayError
from payments.gateways.authorizenet import token_cache_key
from payments.gateways.paypal_capture import capture_if_open
from payments.gateways.registry import get_gateway
from payments.gateways.returns import page_path, with_payment
from payments.models import Payment, PaymentStatus
from payments.services.gateway_payments import OPEN, mark_failed

logger = logging.getLogger(__name__)

REDIRECT_GATEWAYS = frozenset({"paypal", "authorizenet"})
CANCELED_MESSAGE = "You canceled the payment."


def _own_payment(request: HttpRequest, public_id, gateway_name: str) -> Payment:
    return get_object_or_404(
        Payment, public_id=public_id, user=request.user, tenant=request.tenant, gateway=gateway_name
    )


def _back_path(request: HttpRequest) -> str:
    """Where the trip ends: `next` when it stays on this site, else the wallet."""
    wanted = request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("dashboard:wallet")


def _back(request: HttpRequest, payment: Payment) -> HttpResponse:
    return redirect(with_payment(_back_path(request), payment))


@login_required
def paypal_return(request: HttpRequest, public_id) -> HttpResponse:
    """PayPal sends the payer here after approval, with ?token=<order id>: capture the order now."""
    payment = _own_payment(request, public_id, "paypal")
    if request.GET.get("token") != payment.provider_reference:
        logger.warning("PayPal return for payment %s with another order id; nothing captured.", public_id)
        return _back(request, payment)
    try:
        capture_if_open(get_gateway("paypal"), payment, confirm=True)
    except GatewayError as error:
        # The approval stands: the CHECKOUT.ORDER.APPROVED webhook captures it once PayPal answers.
        messages.warning(request, f"{error.message} Your payment is confirmed as soon as PayPal answers.")
    return _back(request, payment)


@login_required
def authorizenet_pay(request: HttpRequest, public_id) -> HttpResponse:
    """The hosted form only opens on a POST of the form token: this page holds that POST."""
    payment = _own_payment(request, public_id, "authorizenet")
    if payment.status != PaymentStatus.PENDING:
        return _back(request, payment)
    gateway = get_gateway("authorizenet")
    token = cache.get(token_cache_key(payment))
    if not token:  # expired, or another process's cache: ask for a fresh one
        try:
            token = gateway.hosted_token(payment, return_url=request.build_absolute_uri(_back_path(request)))
        except GatewayError as error:
            messages.error(request, error.message)
            return _back(request, payment)
    return render(
        request,
        "payments/authorizenet_pay.html",
        {
            "payment": payment,
            "token": token,
            "hosted_url": gateway.hosted_url,
            "test_mode": gateway.test_mode,
            "cancel_url": page_path(
                request.build_absolute_uri(_back_path(request)),
                reverse("payments:redirect-cancel", args=[gateway.name, payment.public_id]),
            ),
        },
    )


@login_required
def redirect_cancel(request: HttpRequest, gateway_name: str, public_id) -> HttpResponse:
    """The payer turned back at the provider's page.

    Recorded as failed, not canceled: the payer can still go back and pay, and a failed payment may
    still succeed, so a late approval or charge credits the wallet instead of being refused.
    """
    if gateway_name not in REDIRECT_GATEWAYS:
        raise Http404("No such gateway.")
    payment = _own_payment(request, public_id, gateway_name)
    if payment.status in OPEN:
        payment = mark_failed(payment, message=CANCELED_MESSAGE)
    return _back(request, payment)
