"""The tenant admins' billing page in the back office (/cms/billing/): plan, expiry, history, pay.

Only the admins of the site the request is on (and the platform owner) may open it; it keeps
working while the site is suspended, so admins can pay. Paying is one period at a time through a
gateway: redirect-style gateways (the test gateway, hosted pages) send the browser away and back;
Stripe's card form is shown on a page of its own and returns here.
"""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from marketplace.selectors import is_tenant_admin
from payments.exceptions import PaymentsError
from payments.gateways.base import Gateway
from payments.gateways.registry import GATEWAY_CLASSES, default_gateway_name, get_gateway
from payments.models import PaymentStatus, TenantPlan
from payments.services.tenant_billing import start_subscription_payment
from payments.tenant_billing_selectors import (
    billing_of,
    plans_for_sale,
    status_of,
    subscription_payment,
    subscriptions_of,
)


def offered_gateways() -> list[Gateway]:
    """The default gateway, then every other configured live one (never the test gateway beside them)."""
    default = get_gateway(default_gateway_name())
    others = [get_gateway(name) for name in GATEWAY_CLASSES if name != default.name]
    return [default, *(gateway for gateway in others if gateway.configured and not gateway.test_mode)]


class PayForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=TenantPlan.objects.none(), empty_label=None)
    gateway = forms.ChoiceField(label="Pay with")

    def __init__(self, *args, gateways: list[Gateway], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans_for_sale()
        self.fields["gateway"].choices = [
            (gateway.name, f"{gateway.label}{' (test mode)' if gateway.test_mode else ''}")
            for gateway in gateways
        ]


def _payment_notice(request: HttpRequest) -> None:
    """The status of the payment the browser came back from, as a message."""
    try:
        public_id = uuid.UUID(request.GET.get("payment", ""))
    except ValueError:
        return
    payment = subscription_payment(request.tenant, public_id)
    if payment is None:
        return
    if payment.status == PaymentStatus.SUCCEEDED:
        messages.success(request, f"Thank you: {payment.amount} was paid and the subscription is extended.")
    elif payment.status == PaymentStatus.PENDING:
        messages.info(request, f"Your payment of {payment.amount} is being confirmed.")
    elif payment.status in (PaymentStatus.FAILED, PaymentStatus.CANCELED):
        reason = payment.failure_message or payment.get_status_display()
        messages.error(request, f"The payment of {payment.amount} did not go through: {reason}")


def tenant_billing(request: HttpRequest) -> HttpResponse:
    tenant = getattr(request, "tenant", None)
    if tenant is None or not is_tenant_admin(request.user, tenant):
        raise PermissionDenied
    gateways = offered_gateways()
    form = PayForm(request.POST or None, gateways=gateways, initial={"gateway": gateways[0].name})
    if request.method == "POST" and form.is_valid():
        try:
            subscription, checkout = start_subscription_payment(
                tenant=tenant,
                plan=form.cleaned_data["plan"],
                actor=request.user,
                gateway_name=form.cleaned_data["gateway"],
                return_url=request.build_absolute_uri(reverse("tenant_billing")),
            )
        except PaymentsError as error:
            messages.error(request, error.message)
        else:
            if checkout.redirect_url:
                return redirect(checkout.redirect_url)
            back = request.build_absolute_uri(reverse("tenant_billing"))
            return render(
                request,
                "payments/billing/card_checkout.html",
                {
                    "subscription": subscription,
                    "checkout": checkout,
                    "stripe_js_url": settings.STRIPE_JS_URL,
                    "return_url": f"{back}?payment={subscription.payment.public_id}",
                },
            )
    elif request.method == "GET":
        _payment_notice(request)
    billing = billing_of(tenant)
    context = {
        "tenant": tenant,
        "status": status_of(tenant, billing=billing),
        "billing": billing,
        "subscriptions": subscriptions_of(tenant),
        "plans": list(plans_for_sale()),
        "form": form,
    }
    return render(request, "payments/billing/tenant_billing.html", context)
