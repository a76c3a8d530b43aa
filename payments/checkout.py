"""The test gateway's own checkout page (no real money): card number, then an optional
confirmation step. Its result travels as a signed event through the webhook path."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from payments.gateways import test as test_gateway
from payments.gateways.base import Outcome
from payments.gateways.registry import get_gateway
from payments.models import Payment, PaymentPurpose, PaymentStatus
from payments.services.gateway_payments import handle_event

DECLINE_MESSAGE = "Your card was declined."
KNOWN_CARDS = {test_gateway.CARD_SUCCEEDS, test_gateway.CARD_DECLINED, test_gateway.CARD_NEEDS_CONFIRMATION}


class CardForm(forms.Form):
    card_number = forms.CharField(label="Card number", max_length=23)

    def clean_card_number(self) -> str:
        digits = re.sub(r"[\s-]", "", self.cleaned_data["card_number"])
        if digits not in KNOWN_CARDS:
            raise forms.ValidationError("Use one of the test card numbers listed on this page.")
        return digits


def _send(payment: Payment, outcome: Outcome, message: str = "") -> None:
    gateway = get_gateway("test")
    body = test_gateway.event_body(payment, outcome, message=message)
    event = gateway.parse_webhook(body, {test_gateway.SIGNATURE_HEADER: test_gateway.sign(body)})
    handle_event(gateway.name, event)


def _done(payment: Payment) -> HttpResponse:
    """Back to where the payment started: the wallet, or the site's billing page."""
    page = "tenant_billing" if payment.purpose == PaymentPurpose.TENANT_SUBSCRIPTION else "dashboard:wallet"
    return redirect(f"{reverse(page)}?payment={payment.public_id}")


def _own_payment(request: HttpRequest, public_id) -> Payment:
    return get_object_or_404(
        Payment, public_id=public_id, user=request.user, tenant=request.tenant, gateway="test"
    )


@login_required
def test_checkout(request: HttpRequest, public_id) -> HttpResponse:
    payment = _own_payment(request, public_id)
    if payment.status != PaymentStatus.PENDING:
        return _done(payment)
    form = CardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        card = form.cleaned_data["card_number"]
        if card == test_gateway.CARD_SUCCEEDS:
            _send(payment, Outcome.SUCCEEDED)
        elif card == test_gateway.CARD_DECLINED:
            _send(payment, Outcome.FAILED, DECLINE_MESSAGE)
        else:
            return redirect("payments:test-confirm", public_id=payment.public_id)
        return _done(payment)
    if request.method == "POST" and request.POST.get("cancel"):
        _send(payment, Outcome.CANCELED, "You canceled the payment.")
        return _done(payment)
    return render(request, "payments/test_checkout.html", {"payment": payment, "form": form, "cards": CARDS})


@login_required
def test_confirm(request: HttpRequest, public_id) -> HttpResponse:
    payment = _own_payment(request, public_id)
    if payment.status != PaymentStatus.PENDING:
        return _done(payment)
    if request.method == "POST":
        if request.POST.get("decision") == "approve":
            _send(payment, Outcome.SUCCEEDED)
        else:
            _send(payment, Outcome.FAILED, "The card's confirmation step failed.")
        return _done(payment)
    return render(request, "payments/test_confirm.html", {"payment": payment})


CARDS = [
    ("4242 4242 4242 4242", "succeeds"),
    ("4000 0000 0000 0002", "is declined"),
    ("4000 0027 6000 3184", "asks for a confirmation step"),
]
