"""The double-entry ledger: accounts, immutable entries and their postings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager
from djmoney.models.fields import MoneyField

from marketplace.models import Tenant

AMOUNT = {"max_digits": 19, "decimal_places": 4}


class OwnerType(models.TextChoices):
    USER = "user", "User"
    TENANT = "tenant", "Tenant"
    PLATFORM = "platform", "Platform"


class AccountKind(models.TextChoices):
    WALLET = "wallet", "Wallet"
    HELD = "held", "Held funds"
    COMMISSION = "commission", "Commission"
    REVENUE = "revenue", "Revenue"
    GATEWAY_CLEARING = "gateway_clearing", "Gateway clearing"
    PAYOUTS_PAYABLE = "payouts_payable", "Payouts payable"
    PAYOUTS_PAID = "payouts_paid", "Payouts paid"
    ADJUSTMENTS = "adjustments", "Adjustments"


class Account(models.Model):
    """A balance in one currency. Only payments.ledger changes `balance`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="accounts")
    owner_type = models.CharField(max_length=10, choices=OwnerType.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts"
    )
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    balance = MoneyField(**AMOUNT, default=0, currency_field_name="currency")
    allow_negative = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(allow_negative=True) | models.Q(balance__gte=0),
                name="account_balance_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(owner_type="user", user__isnull=False)
                | (~models.Q(owner_type="user") & models.Q(user__isnull=True)),
                name="account_user_iff_user_owned",
            ),
            models.UniqueConstraint(
                fields=["tenant", "owner_type", "user", "kind", "currency"],
                name="account_unique_user_kind_currency",
                condition=models.Q(user__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["tenant", "owner_type", "kind", "currency"],
                name="account_unique_owner_kind_currency",
                condition=models.Q(user__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        owner = self.user.handle if self.user_id else self.get_owner_type_display()
        return f"{owner} {self.get_kind_display()} {self.currency}"


class EntryKind(models.TextChoices):
    RECHARGE = "recharge", "Wallet recharge"
    SALE = "sale", "Sale"
    REFUND = "refund", "Refund"
    GATEWAY_REFUND = "gateway_refund", "Refund to card"
    HOLD = "hold", "Funds held"
    HOLD_SETTLE = "hold_settle", "Held funds settled"
    HOLD_RELEASE = "hold_release", "Held funds released"
    ADJUSTMENT = "adjustment", "Adjustment"
    PAYOUT_REQUEST = "payout_request", "Payout requested"
    PAYOUT_REJECT = "payout_reject", "Payout rejected"
    PAYOUT_PAID = "payout_paid", "Payout paid"
    TRANSFER = "transfer", "Transfer"
    PLAN_PURCHASE = "plan_purchase", "Plan purchase"
    PLAN_RENEWAL = "plan_renewal", "Plan renewal"
    ROOM_SUBSCRIPTION = "room_subscription", "Room subscription"
    TENANT_SUBSCRIPTION = "tenant_subscription", "Tenant subscription"


class Entry(models.Model):
    """One business event. Immutable: corrections are new entries."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    idempotency_key = models.CharField(max_length=200, unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    memo = models.CharField(max_length=500, blank=True)
    # What caused it, e.g. "payment:<uuid>", "hold:<uuid>", "payout:<uuid>".
    reference = models.CharField(max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id}"


class Posting(models.Model):
    """A signed amount on one account; an entry's postings sum to zero per currency."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(**AMOUNT, currency_field_name="currency")

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["account", "entry"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="posting_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on account {self.account_id}"
