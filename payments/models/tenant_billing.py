"""Tenant billing: what tenants pay the platform owner for their site (SaaS subscriptions).

`BillingSettings` is the installation-wide singleton; `TenantPlan` is what a tenant buys;
`TenantBilling` holds each tenant's billing mode and paid-up date; `TenantSubscription` rows are
the history of paid (or attempted) periods; `BillingReminder` records which emails went out.
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_scopes import ScopedManager
from djmoney.models.fields import MoneyField

from payments.models.ledger import AMOUNT

DEFAULT_REMINDER_SUBJECT = "Your {plan} subscription for {tenant} ends on {expires_on}"
DEFAULT_REMINDER_BODY = (
    "Hello {name},\n\n"
    "The {plan} subscription of {tenant} ends on {expires_on} ({days_left} days from now).\n"
    "Pay the next period ({price}) here: {pay_url}\n\n"
    "If it is not paid, the site is suspended {grace_days} days after that date: its pages stay "
    "online with a notice, and rooms cannot start until it is paid."
)
REMINDER_DAYS_PATTERN = re.compile(r"^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$")


def validate_reminder_days(value: str) -> None:
    if value.strip() and not REMINDER_DAYS_PATTERN.match(value):
        raise ValidationError("Days before expiry, separated by commas, e.g. 7,3,1.")


class BillingMode(models.TextChoices):
    PAID = "paid", "Paid (needs a subscription)"
    FREE = "free", "Free (never expires)"


class PeriodUnit(models.TextChoices):
    DAYS = "days", "Days"
    MONTHS = "months", "Months"


class TenantSubscriptionStatus(models.TextChoices):
    PENDING = "pending", "Pending payment"
    PAID = "paid", "Paid"
    CANCELED = "canceled", "Canceled"


class SubscriptionSource(models.TextChoices):
    GATEWAY = "gateway", "Payment gateway"
    MANUAL = "manual", "Marked paid by the platform owner"


class ReminderKind(models.TextChoices):
    BEFORE_EXPIRY = "before_expiry", "Before expiry"
    SUSPENDED = "suspended", "Suspended"


class BillingSettings(models.Model):
    """One row for the whole installation (primary key 1), edited by the platform owner."""

    subscriptions_enabled = models.BooleanField(
        default=False,
        help_text="Paid-mode tenants must pay for their site. Off: no tenant is ever suspended.",
    )
    grace_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MaxValueValidator(365)],
        help_text="Days a site keeps working after its subscription ends, before it is suspended.",
    )
    reminder_days = models.CharField(
        max_length=60,
        default="7,3,1",
        blank=True,
        validators=[validate_reminder_days],
        help_text="Days before expiry when tenant admins get a reminder, e.g. 7,3,1. Empty: none.",
    )
    reminder_subject = models.CharField(
        max_length=200,
        default=DEFAULT_REMINDER_SUBJECT,
        help_text="Placeholders: {tenant} {plan} {expires_on} {days_left} {price} {pay_url} {name} "
        "{grace_days}. Unknown ones are left as they are.",
    )
    reminder_body = models.TextField(default=DEFAULT_REMINDER_BODY, help_text="Same placeholders.")
    # When subscriptions were last switched on: tenants that never paid are due from then.
    enabled_since = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "billing settings"
        verbose_name_plural = "billing settings"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="billing_settings_singleton")]

    def __str__(self) -> str:
        return "Tenant billing settings"

    @property
    def reminder_thresholds(self) -> list[int]:
        """Days before expiry, largest first, without duplicates or zero."""
        days = {int(part) for part in self.reminder_days.split(",") if part.strip().isdigit()}
        return sorted((day for day in days if day > 0), reverse=True)


class TenantPlan(models.Model):
    """What a tenant buys from the platform owner, one period at a time."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    price = MoneyField(**AMOUNT, default_currency="USD", currency_field_name="currency")
    period_length = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    period_unit = models.CharField(max_length=10, choices=PeriodUnit.choices, default=PeriodUnit.MONTHS)
    max_moderators = models.PositiveIntegerField(default=10)
    max_rooms = models.PositiveIntegerField(default=20)
    storage_gb = models.PositiveIntegerField("Storage (GB)", default=10)
    is_active = models.BooleanField(default=True, help_text="Inactive plans cannot be bought.")
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "price", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gt=0), name="tenant_plan_price_positive"),
            models.CheckConstraint(condition=models.Q(period_length__gte=1), name="tenant_plan_period_set"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def period_label(self) -> str:
        unit = self.get_period_unit_display().lower()
        return f"{self.period_length} {unit[:-1] if self.period_length == 1 else unit}"


class TenantBilling(models.Model):
    """A tenant's billing mode and how long it has paid for (one row per tenant)."""

    tenant = models.OneToOneField("marketplace.Tenant", on_delete=models.CASCADE, related_name="billing")
    mode = models.CharField(max_length=10, choices=BillingMode.choices, default=BillingMode.PAID)
    plan = models.ForeignKey(TenantPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    paid_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["tenant__name"]
        verbose_name = "tenant billing"
        verbose_name_plural = "tenant billing"

    def __str__(self) -> str:
        return f"Billing of {self.tenant}"


class TenantSubscription(models.Model):
    """One period a tenant paid for (or tried to pay for)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(
        "marketplace.Tenant", on_delete=models.CASCADE, related_name="tenant_subscriptions"
    )
    plan = models.ForeignKey(TenantPlan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(
        max_length=10, choices=TenantSubscriptionStatus.choices, default=TenantSubscriptionStatus.PENDING
    )
    source = models.CharField(max_length=10, choices=SubscriptionSource.choices)
    # Provisional while pending; fixed when the payment succeeds.
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    amount = MoneyField(**AMOUNT, currency_field_name="currency")
    payment = models.OneToOneField(
        "payments.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tenant_subscription",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-period_start", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="tenant_subscription_period_forward",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="tenant_subscription_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant} · {self.plan} · {self.period_start:%Y-%m-%d} to {self.period_end:%Y-%m-%d}"


class BillingReminder(models.Model):
    """An email sent to a tenant's admins about one period's end: sent once, never again."""

    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    period_end = models.DateTimeField()
    days_before = models.PositiveSmallIntegerField(default=0)
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "period_end", "days_before"], name="billing_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder to {self.tenant} ({self.days_before} days)"
