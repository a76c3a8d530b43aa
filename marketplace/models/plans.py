"""Moderator plans (what a host buys to host) and subscriptions to them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager
from djmoney.models.fields import MoneyField

AMOUNT = {"max_digits": 19, "decimal_places": 4}


class BillingPeriod(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    YEARLY = "yearly", "Yearly"
    ONE_TIME = "one_time", "One-time (no renewal)"


# The limits and features a plan sets, in the order they are shown.
LIMIT_FIELDS = (
    "max_rooms",
    "max_attendees_per_room",
    "max_session_minutes",
    "allows_paid_rooms",
    "allows_subscription_rooms",
    "allows_per_minute_rooms",
    "allows_recording",
    "allows_mp4_download",
    "allows_attendance_reports",
    "allows_streaming",
    "allows_custom_profile_link",
)


class Plan(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=60)
    description = models.TextField(blank=True)
    price = MoneyField(**AMOUNT, default=0, default_currency="USD", currency_field_name="currency")
    billing_period = models.CharField(
        max_length=10, choices=BillingPeriod.choices, default=BillingPeriod.MONTHLY
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive plans cannot be bought; subscribers keep them."
    )
    is_default = models.BooleanField(
        default=False, help_text="The free plan every moderator falls back to. One per site, priced at zero."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    max_rooms = models.PositiveIntegerField(default=1)
    max_attendees_per_room = models.PositiveIntegerField(default=10)
    max_session_minutes = models.PositiveIntegerField(default=60)
    allows_paid_rooms = models.BooleanField(default=False)
    allows_subscription_rooms = models.BooleanField(default=False)
    allows_per_minute_rooms = models.BooleanField(default=False)
    allows_recording = models.BooleanField(default=False)
    allows_mp4_download = models.BooleanField(default=False)
    allows_attendance_reports = models.BooleanField(default=False)
    allows_streaming = models.BooleanField(default=False)
    allows_custom_profile_link = models.BooleanField(default=False)

    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["sort_order", "price", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="plan_slug_unique_per_tenant"),
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(is_default=True), name="plan_one_default_per_tenant"
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="plan_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(is_default=False) | models.Q(price=0), name="plan_default_is_free"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return self.price.amount == 0


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Payment due (grace period)"
    REPLACED = "replaced", "Replaced by another plan"
    CANCELED = "canceled", "Canceled"
    EXPIRED = "expired", "Expired"


LIVE_STATUSES = (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)


class PlanSubscription(models.Model):
    """One subscription of a moderator to a plan; renewals extend it, plan changes start a new one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(
        "marketplace.Tenant", on_delete=models.CASCADE, related_name="plan_subscriptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(
        max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    price = MoneyField(**AMOUNT, default=0, default_currency="USD", currency_field_name="currency")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField(null=True, blank=True, help_text="Empty for one-time plans.")
    cancel_at_period_end = models.BooleanField(default=False)
    next_plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Downgrade at period end.",
    )
    grace_until = models.DateTimeField(null=True, blank=True)
    reminded_for = models.DateTimeField(
        null=True, blank=True, help_text="The period end a reminder went out for."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user"],
                condition=models.Q(status__in=["active", "past_due"]),
                name="plan_subscription_one_live_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.plan} · {self.get_status_display()}"
