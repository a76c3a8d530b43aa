"""Payout requests: money a user asks to withdraw from their wallet."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager
from djmoney.models.fields import MoneyField

from payments.models.ledger import AMOUNT


class PayoutStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELED = "canceled", "Canceled"
    PAID = "paid", "Paid"


class Payout(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    idempotency_key = models.CharField(max_length=200, unique=True)
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.PROTECT, related_name="payouts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts")
    amount = MoneyField(**AMOUNT, currency_field_name="currency")
    status = models.CharField(max_length=10, choices=PayoutStatus.choices, default=PayoutStatus.REQUESTED)
    destination = models.CharField(
        max_length=200, blank=True, help_text="Where the money should go (IBAN, …)."
    )
    note = models.CharField(max_length=500, blank=True)
    external_reference = models.CharField(max_length=120, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payout_amount_positive")
        ]

    def __str__(self) -> str:
        return f"Payout {self.amount} ({self.get_status_display()})"
