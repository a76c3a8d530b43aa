"""Which gateways exist, and which one a recharge uses by default."""

from __future__ import annotations

from functools import cache
from importlib import import_module

from django.conf import settings

from payments.exceptions import InvalidAmount
from payments.gateways.base import Gateway

GATEWAY_CLASSES = {
    "test": "payments.gateways.test.TestGateway",
    "stripe": "payments.gateways.stripe.StripeGateway",
    "paypal": "payments.gateways.paypal.PayPalGateway",
    "authorizenet": "payments.gateways.authorizenet.AuthorizeNetGateway",
}


@cache
def _load(name: str) -> Gateway:
    module_name, class_name = GATEWAY_CLASSES[name].rsplit(".", 1)
    return getattr(import_module(module_name), class_name)()


def get_gateway(name: str) -> Gateway:
    if name not in GATEWAY_CLASSES:
        raise InvalidAmount(f"Unknown payment gateway: {name!r}.", field="gateway")
    return _load(name)


def default_gateway_name() -> str:
    """The configured default; else Stripe when its keys are set; else the test gateway."""
    preferred = settings.PAYMENTS_DEFAULT_GATEWAY
    if preferred and get_gateway(preferred).configured:
        return preferred
    return "stripe" if settings.STRIPE_SECRET_KEY and get_gateway("stripe").configured else "test"


def reset_gateway_cache() -> None:
    """Settings changed (tests): build gateways anew."""
    _load.cache_clear()
