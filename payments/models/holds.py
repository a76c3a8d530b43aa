"""Holds: money reserved in a user's held account until settled or released."""

from __future__ import annotations

import uuid

from django.db import models
from django_scopes import ScopedManager
from djmoney.models.fields import MoneyField

from payments.models.ledger import AMOUNT, Account


class HoldStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SETTLED = "settled", "Settled"
    RELEASED = "released", "Released"
    EXPIRED = "expired", "Expired"


class Hold(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    idempotency_key = models.CharField(max_length=200, unique=True)
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.PROTECT, related_name="holds")
    wallet = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    held_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(**AMOUNT, currency_field_name="currency")
    settled = MoneyField(**AMOUNT, default=0, currency_field_name="currency")
    released = MoneyField(**AMOUNT, default=0, currency_field_name="currency")
    status = models.CharField(max_length=10, choices=HoldStatus.choices, default=HoldStatus.ACTIVE)
    reference = models.CharField(max_length=120, blank=True)
    memo = models.CharField(max_length=500, blank=True)
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, settled__gte=0, released__gte=0),
                name="hold_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(settled__lte=models.F("amount") - models.F("released")),
                name="hold_not_overdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"Hold {self.amount} ({self.get_status_display()})"

    @property
    def remaining(self):
        return self.amount - self.settled - self.released
