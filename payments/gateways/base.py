"""The one interface every payment provider implements; provider details stay in its module."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from djmoney.money import Money

from payments.models import Payment


class InvalidWebhook(Exception):
    """The webhook's signature or body does not verify."""


@dataclass(frozen=True)
class Checkout:
    """What the recharge page needs to let the user pay."""

    provider_reference: str
    redirect_url: str | None = None
    client_secret: str | None = None
    publishable_key: str | None = None


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"
    REFUNDED = "refunded"
    OTHER = "other"


@dataclass(frozen=True)
class GatewayEvent:
    """A verified webhook event, in gateway-neutral terms."""

    event_id: str
    event_type: str
    provider_reference: str
    outcome: Outcome
    payload: Mapping
    failure_message: str = ""
    # For refunds: the provider's refund id and the total refunded so far on the payment.
    refund_id: str = ""
    refunded_total: Money | None = None


@dataclass(frozen=True)
class Refund:
    refund_id: str
    amount: Money


@dataclass
class GatewaySettingsView:
    """Settings as shown to the platform owner: secrets masked."""

    name: str
    label: str
    test_mode: bool
    configured: bool
    values: dict[str, str] = field(default_factory=dict)


def mask(secret: str) -> str:
    if not secret:
        return ""
    return f"{secret[:7]}…{secret[-4:]}" if len(secret) > 14 else "…" + secret[-2:]


class Gateway(ABC):
    name: str
    label: str

    @property
    @abstractmethod
    def test_mode(self) -> bool: ...

    @property
    @abstractmethod
    def configured(self) -> bool: ...

    @abstractmethod
    def start_payment(self, payment: Payment, *, return_url: str) -> Checkout:
        """Create the payment at the provider; return what the page needs."""

    @abstractmethod
    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        """Verify the signature and translate the event; raise InvalidWebhook otherwise."""

    @abstractmethod
    def refund(self, payment: Payment, amount: Money) -> Refund:
        """Refund at the provider; raise GatewayError when it refuses or is unreachable."""

    @abstractmethod
    def settings_view(self) -> GatewaySettingsView: ...
