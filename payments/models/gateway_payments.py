"""Payments through a gateway (wallet recharges, tenant subscriptions), webhook events, the call log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager
from djmoney.models.fields import MoneyField

from payments.models.ledger import AMOUNT


class PaymentStatus(models.TextChoices):
    CREATED = "created", "Created"
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"


FINAL_STATUSES = frozenset({PaymentStatus.FAILED, PaymentStatus.CANCELED, PaymentStatus.REFUNDED})


class PaymentPurpose(models.TextChoices):
    """What a succeeded payment pays for: it decides which ledger account is credited."""

    WALLET_RECHARGE = "wallet_recharge", "Wallet recharge"
    TENANT_SUBSCRIPTION = "tenant_subscription", "Tenant subscription"


class Payment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.PROTECT, related_name="payments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    gateway = models.CharField(max_length=30)
    purpose = models.CharField(
        max_length=20, choices=PaymentPurpose.choices, default=PaymentPurpose.WALLET_RECHARGE
    )
    test_mode = models.BooleanField(default=True)
    amount = MoneyField(**AMOUNT, currency_field_name="currency")
    refunded = MoneyField(**AMOUNT, default=0, currency_field_name="currency")
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.CREATED)
    provider_reference = models.CharField(max_length=120, blank=True, db_index=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(refunded__gte=0, refunded__lte=models.F("amount")),
                name="payment_refund_within_amount",
            ),
            models.UniqueConstraint(
                fields=["gateway", "provider_reference"],
                condition=~models.Q(provider_reference=""),
                name="payment_unique_provider_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.amount} {self.get_status_display()}"


class WebhookEvent(models.Model):
    """Every webhook received, once per (provider, event id): replays change nothing.

    Platform-level (webhooks arrive on one URL for all tenants); `tenant` is filled in
    once the event is matched to a payment.
    """

    provider = models.CharField(max_length=30)
    event_id = models.CharField(max_length=120)
    event_type = models.CharField(max_length=80)
    payload = models.JSONField()
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.PROTECT, null=True, blank=True)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_id}"


class GatewayCall(models.Model):
    """Append-only log of calls to payment providers, with their reference."""

    provider = models.CharField(max_length=30)
    operation = models.CharField(max_length=60)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    provider_reference = models.CharField(max_length=120, blank=True)
    succeeded = models.BooleanField()
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.provider} {self.operation} {'ok' if self.succeeded else 'failed'}"
