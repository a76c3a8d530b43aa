"""Registrations of attendees for rooms, the moderators' allow/block lists and private access lists."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager
from djmoney.models.fields import MoneyField

from marketplace.models.plans import AMOUNT


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELED = "canceled", "Canceled"
    BANNED = "banned", "Banned"
    LAPSED = "lapsed", "Subscription lapsed"


# Registrations that occupy a seat in the room.
SEATED_STATUSES = (RegistrationStatus.PENDING, RegistrationStatus.APPROVED)


class Registration(models.Model):
    """One attendee's place in one room; re-registering reuses the row and counts a new cycle."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="registrations")
    room = models.ForeignKey("marketplace.Room", on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    cycle = models.PositiveIntegerField(default=1, help_text="How many times this attendee registered.")
    fee_model = models.CharField(max_length=10, help_text="The room's fee model when registering.")
    price = MoneyField(**AMOUNT, default=0, default_currency="USD", currency_field_name="currency")
    paid = MoneyField(
        **AMOUNT,
        default=0,
        default_currency="USD",
        currency_field_name="paid_currency",
        help_text="Everything charged for this registration, less refunds.",
    )
    hold = models.ForeignKey(
        "payments.Hold", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sale = models.ForeignKey(
        "payments.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The latest charge (sale) for this registration.",
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True, help_text="Monthly rooms: paid until.")
    cancel_at_period_end = models.BooleanField(default=False)
    reminded_for = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(
        max_length=300, blank=True, help_text="The moderator's reason, shown to the attendee."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="registration_one_per_room_and_user"),
        ]
        indexes = [models.Index(fields=["status", "period_end"], name="registration_renewal_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.room} · {self.get_status_display()}"


class ListKind(models.TextChoices):
    ALLOW = "allow", "Whitelist (approve automatically)"
    BLOCK = "block", "Blacklist (reject automatically)"


class AccessRule(models.Model):
    """A moderator's whitelist or blacklist entry, by user or by email, for all their rooms."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="access_rules")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_rules")
    kind = models.CharField(max_length=5, choices=ListKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(blank=True, help_text="Lower-cased; matches an account with this email.")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(email=""))
                | (models.Q(user__isnull=True) & ~models.Q(email="")),
                name="access_rule_user_or_email",
            ),
            models.UniqueConstraint(
                fields=["tenant", "owner", "user"],
                condition=models.Q(user__isnull=False),
                name="access_rule_unique_user",
            ),
            models.UniqueConstraint(
                fields=["tenant", "owner", "email"],
                condition=~models.Q(email=""),
                name="access_rule_unique_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user or self.email}"


class RoomAccess(models.Model):
    """A private room's access list: a user, or an invited email that becomes a user on sign-up."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="room_access")
    room = models.ForeignKey("marketplace.Room", on_delete=models.CASCADE, related_name="access_list")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="room_access"
    )
    email = models.EmailField(blank=True, help_text="Lower-cased invitation address.")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(email=""),
                name="room_access_user_or_email",
            ),
            models.UniqueConstraint(
                fields=["room", "user"],
                condition=models.Q(user__isnull=False),
                name="room_access_unique_user",
            ),
            models.UniqueConstraint(
                fields=["room", "email"], condition=~models.Q(email=""), name="room_access_unique_email"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room}: {self.user or self.email}"
