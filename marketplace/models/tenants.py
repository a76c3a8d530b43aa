"""Tenants (organisations with their own site) and the roles their users hold."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_scopes import ScopedManager
from djmoney.models.fields import CurrencyField

from marketplace.roles import Role

RATE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class Tenant(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    site = models.OneToOneField("wagtailcore.Site", on_delete=models.PROTECT, related_name="tenant")
    is_active = models.BooleanField(default=True, help_text="Inactive tenants' sites answer 404.")
    default_currency = CurrencyField(default="USD")
    tenant_commission_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.1000"),
        validators=RATE_VALIDATORS,
        help_text="Share of each sale kept by the tenant (0.1 = 10%).",
    )
    platform_commission_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.0500"),
        validators=RATE_VALIDATORS,
        help_text="Share of each sale kept by the platform owner.",
    )
    guests_allowed = models.BooleanField(default=True, help_text="Rooms may admit guests by link.")
    public_content_visible = models.BooleanField(
        default=True, help_text="Explore, profiles and public rooms are visible without an account."
    )
    registration_open = models.BooleanField(default=True, help_text="Anyone may sign up on this site.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tenant_commission_rate__gte=0, platform_commission_rate__gte=0)
                & models.Q(tenant_commission_rate__lte=1, platform_commission_rate__lte=1),
                name="tenant_rates_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    tenant_commission_rate__lte=Decimal("1") - models.F("platform_commission_rate")
                ),
                name="tenant_rates_sum_at_most_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (self.tenant_commission_rate or 0) + (self.platform_commission_rate or 0) > 1:
            raise ValidationError(
                "The tenant's and the platform's commission rates add up to more than 100%."
            )

    @property
    def hostname(self) -> str:
        return self.site.hostname

    @property
    def root_url(self) -> str:
        return self.site.root_url


class Membership(models.Model):
    """One role of one user in one tenant; a user may hold several roles there."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["user__handle", "role"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.tenant}"
