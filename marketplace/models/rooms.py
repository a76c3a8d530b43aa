"""Rooms: a moderator's persistent meeting space with its fee model and BBB settings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager
from djmoney.models.fields import MoneyField
from wagtail.search import index

from marketplace.models.plans import AMOUNT
from marketplace.models.profiles import Topic, plain_text


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public (listed on the site)"
    UNLISTED = "unlisted", "Unlisted (anyone with the link)"
    PRIVATE = "private", "Private (invited people only)"


class Access(models.TextChoices):
    REGISTERED = "registered", "Registered attendees only"
    GUESTS = "guests", "Guests with the link (and passcode, if set)"


class FeeModel(models.TextChoices):
    FREE = "free", "Free"
    ONE_TIME = "one_time", "One-time fee"
    MONTHLY = "monthly", "Monthly subscription"
    PER_MINUTE = "per_minute", "Per minute"


class RoomStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"


class GuestPolicy(models.TextChoices):
    ALWAYS_ACCEPT = "ALWAYS_ACCEPT", "Let guests in"
    ASK_MODERATOR = "ASK_MODERATOR", "Ask the moderator"
    ALWAYS_DENY = "ALWAYS_DENY", "Keep guests out"


class RecordingAccess(models.TextChoices):
    CURRENT = "current", "Approved registrants"
    EVER = "ever", "Anyone ever approved (past and present registrants)"


class Room(index.Indexed, models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="rooms")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, help_text="The room's link: /@handle/<slug>/.")
    description = models.TextField(blank=True, help_text="Agenda and details (sanitised rich text).")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.REGISTERED)
    passcode_hash = models.CharField(max_length=128, blank=True)
    max_participants = models.PositiveIntegerField(default=10)
    max_duration_minutes = models.PositiveIntegerField(default=45)
    fee_model = models.CharField(max_length=10, choices=FeeModel.choices, default=FeeModel.FREE)
    price = MoneyField(**AMOUNT, default=0, default_currency="USD", currency_field_name="currency")
    approval_required = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=RoomStatus.choices, default=RoomStatus.ACTIVE)
    paused_reason = models.CharField(max_length=200, blank=True)

    record = models.BooleanField(default=False)
    auto_start_recording = models.BooleanField(default=False)
    allow_start_stop_recording = models.BooleanField(default=True)
    mute_on_start = models.BooleanField(default=True)
    webcams_only_for_moderator = models.BooleanField(default=False)
    guest_policy = models.CharField(
        max_length=14, choices=GuestPolicy.choices, default=GuestPolicy.ASK_MODERATOR
    )
    lock_private_chat = models.BooleanField(default=False)
    lock_public_chat = models.BooleanField(default=False)
    lock_shared_notes = models.BooleanField(default=False)
    welcome_message = models.CharField(max_length=500, blank=True)
    recording_access = models.CharField(
        max_length=10,
        choices=RecordingAccess.choices,
        default=RecordingAccess.CURRENT,
        help_text="Who may watch this room's recordings, besides you.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    # Explore's search index, refreshed by a job once a change commits (search/signals.py); the
    # host's name and topics live on other rows, so Wagtail's update on save is off.
    search_auto_update = False
    search_fields = [
        index.SearchField("title", boost=10),
        index.SearchField("agenda_text"),
        index.SearchField("host_name", boost=6),
        index.SearchField("host_topics", boost=6),
        index.AutocompleteField("name"),
        index.FilterField("tenant"),
        index.FilterField("owner"),
        index.FilterField("visibility"),
        index.FilterField("status"),
        index.FilterField("fee_model"),
        index.FilterField("price"),
        index.FilterField("currency"),
        index.FilterField("created_at"),
    ]

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "owner", "slug"], name="room_slug_unique_per_owner"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="room_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(fee_model="free", price=0)
                | (~models.Q(fee_model="free") & models.Q(price__gt=0)),
                name="room_price_matches_fee_model",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_passcode(self) -> bool:
        return bool(self.passcode_hash)

    @property
    def title(self) -> str:
        """The room's name; search backends rank a field called `title` highest."""
        return self.name

    def agenda_text(self) -> str:
        return plain_text(self.description)

    def host_name(self) -> str:
        return f"{self.owner.display_name} {self.owner.handle}"

    def host_topics(self) -> str:
        """Names of the topics on the host's profile on this site (rooms have none of their own)."""
        topics = Topic.objects.with_scope(tenant=self.tenant_id).filter(
            profiles__tenant_id=self.tenant_id, profiles__user_id=self.owner_id
        )
        return " ".join(topics.values_list("name", flat=True))
