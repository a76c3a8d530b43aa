"""What moderators host with: the site's plans, and rooms."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db.models import QuerySet
from django.utils.text import slugify
from django_scopes import scope
from djmoney.money import Money

from marketplace.exceptions import MarketplaceError
from marketplace.handles import normalize_handle
from marketplace.models import Access, BillingPeriod, FeeModel, Plan, Room, User, Visibility
from marketplace.models.plans import LIMIT_FIELDS
from marketplace.richtext import sanitize_html
from marketplace.services.audit import audit
from marketplace.services.rooms import create_room, update_room
from marketplace.tabular import Row, TenantResource, column, differing, register

# --- Plans ---------------------------------------------------------------------------------------

PLAN_NUMBERS = ("sort_order", "max_rooms", "max_attendees_per_room", "max_session_minutes")
PLAN_SWITCHES = ("is_active", "is_default", *(name for name in LIMIT_FIELDS if name.startswith("allows_")))


@register
class PlanResource(TenantResource):
    """The site's moderator plans, matched by slug. Saving a plan moves no money: subscribers keep
    paying what they agreed to until their next renewal."""

    name = "plans"
    label = "plans"
    importable = True
    key_columns = (("slug",),)
    notes = (
        "Rows are matched on the slug. price is the amount and price_currency its currency. Saving a "
        "plan moves no money: subscribers pay the new price from their next renewal."
    )

    slug = column("slug", "slug")
    plan_name = column("name", "name")
    description = column("description", "description")
    price = column("price__amount", "price")
    price_currency = column("currency", "price_currency")
    billing_period = column("billing_period", "billing_period")
    is_active = column("is_active", "is_active")
    is_default = column("is_default", "is_default")
    sort_order = column("sort_order", "sort_order")
    max_rooms = column("max_rooms", "max_rooms")
    max_attendees_per_room = column("max_attendees_per_room", "max_attendees_per_room")
    max_session_minutes = column("max_session_minutes", "max_session_minutes")
    allows_paid_rooms = column("allows_paid_rooms", "allows_paid_rooms")
    allows_subscription_rooms = column("allows_subscription_rooms", "allows_subscription_rooms")
    allows_per_minute_rooms = column("allows_per_minute_rooms", "allows_per_minute_rooms")
    allows_recording = column("allows_recording", "allows_recording")
    allows_mp4_download = column("allows_mp4_download", "allows_mp4_download")
    allows_attendance_reports = column("allows_attendance_reports", "allows_attendance_reports")
    allows_streaming = column("allows_streaming", "allows_streaming")
    allows_custom_profile_link = column("allows_custom_profile_link", "allows_custom_profile_link")

    class Meta(TenantResource.Meta):
        model = Plan
        fields = (
            "site",
            "slug",
            "plan_name",
            "description",
            "price",
            "price_currency",
            "billing_period",
            "is_active",
            "is_default",
            "sort_order",
            *LIMIT_FIELDS,
        )

    def rows_for_export(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("tenant").order_by("tenant", "sort_order", "pk")

    def find(self, row: Row) -> tuple[Plan, bool]:
        slug = row.required("slug", "the plan's slug").lower()
        if slug:
            try:
                validate_slug(slug)
            except ValidationError:
                row.fail("slug", "Use letters, digits, hyphens and underscores in the slug.")
        with scope(tenant=self.tenant):
            plan = Plan.objects.filter(tenant=self.tenant, slug=slug).first() if slug else None
        return (plan, False) if plan is not None else (Plan(tenant=self.tenant, slug=slug), True)

    def changes(self, instance: Plan, row: Row, *, new: bool) -> dict[str, Any]:
        default_currency = str(instance.currency) if not new else str(self.tenant.default_currency)
        wanted: dict[str, Any] = {}
        if new or row.has("name"):
            wanted["name"] = row.required("name", "the plan's name") if new else row.text("name")
            if row.has("name") and not wanted["name"]:
                row.fail("name", "Give the plan's name.")
            if len(wanted["name"]) > 80:
                row.fail("name", "At most 80 characters.")
        if row.has("description"):
            wanted["description"] = row.text("description")
        if row.has("price") or row.has("price_currency"):
            currency = row.currency("price_currency", default=default_currency)
            amount = row.amount("price")
            wanted["price"] = Money(instance.price.amount if amount is None else amount, currency)
        if row.has("billing_period"):
            wanted["billing_period"] = row.choice(
                "billing_period", BillingPeriod.choices, default=instance.billing_period
            )
        for name in PLAN_SWITCHES:
            if row.has(name):
                wanted[name] = row.boolean(name, default=getattr(instance, name))
        for name in PLAN_NUMBERS:
            if row.has(name):
                wanted[name] = row.number(name, minimum=0, default=getattr(instance, name))
        if new:
            wanted.setdefault("price", Money(0, default_currency))
            return wanted
        return differing({name: getattr(instance, name) for name in wanted}, wanted)

    def _check(self, plan: Plan) -> None:
        if plan.is_default:
            with scope(tenant=self.tenant):
                other = Plan.objects.filter(tenant=self.tenant, is_default=True).exclude(pk=plan.pk).first()
            if other is not None:
                raise MarketplaceError(
                    f"{other.name} is already the site's default plan.", field="is_default"
                )
            if plan.price.amount != 0:
                raise MarketplaceError("The default plan is free: set its price to 0.", field="price")

    def write(self, plan: Plan, changes: dict[str, Any], *, new: bool) -> Plan:
        for name, value in changes.items():
            setattr(plan, name, value)
        self._check(plan)
        with scope(tenant=self.tenant):
            plan.full_clean()
            plan.save()
        if new:
            audit(plan, "wagtail.create", actor=self.actor)
        else:
            audit(plan, "wagtail.edit", actor=self.actor, changed=sorted(changes))
        return plan


# --- Rooms ---------------------------------------------------------------------------------------

ROOM_SWITCHES = ("approval_required", "record")
ROOM_NUMBERS = {"max_participants": 1, "max_duration_minutes": 5}
ROOM_CHOICES = {"visibility": Visibility.choices, "access": Access.choices, "fee_model": FeeModel.choices}


@register
class RoomResource(TenantResource):
    """Rooms, matched by their host's handle and the room's slug. New rooms and changes go through
    the room services, so the host's plan limits apply and a row beyond them is that row's error."""

    name = "rooms"
    label = "rooms"
    importable = True
    key_columns = (("owner",), ("slug",))
    export_only_columns = ("status",)
    notes = (
        "Rows are matched on the host's handle (owner) and the room's slug. The host's plan applies: "
        "a row beyond its limits is an error. Prices are in the site's currency; free rooms cost "
        "nothing. status is exported only: pause and resume rooms on the Rooms screen."
    )

    owner = column("owner__handle", "owner")
    slug = column("slug", "slug")
    room_name = column("name", "name")
    description = column("description", "description")
    visibility = column("visibility", "visibility")
    access = column("access", "access")
    fee_model = column("fee_model", "fee_model")
    price = column("price__amount", "price")
    price_currency = column("currency", "price_currency")
    approval_required = column("approval_required", "approval_required")
    record = column("record", "record")
    max_participants = column("max_participants", "max_participants")
    max_duration_minutes = column("max_duration_minutes", "max_duration_minutes")
    status = column("status", "status")

    class Meta(TenantResource.Meta):
        model = Room
        fields = (
            "site",
            "owner",
            "slug",
            "room_name",
            "description",
            "visibility",
            "access",
            "fee_model",
            "price",
            "price_currency",
            "approval_required",
            "record",
            "max_participants",
            "max_duration_minutes",
            "status",
        )

    def rows_for_export(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("owner", "tenant").order_by("tenant", "owner__handle", "slug")

    def find(self, row: Row) -> tuple[Room, bool]:
        handle = normalize_handle(row.required("owner", "the host's handle"))
        owner = User.objects.filter(handle__iexact=handle).first() if handle else None
        if handle and owner is None:
            row.fail("owner", f"Nobody has the handle @{handle}.")
        slug = slugify(row.required("slug", "the room's slug"))
        if row.text("slug") and not slug:
            row.fail("slug", "Use letters, digits and hyphens in the room's slug.")
        room = None
        if owner is not None and slug:
            with scope(tenant=self.tenant):
                room = Room.objects.filter(tenant=self.tenant, owner=owner, slug=slug).first()
        return (room, False) if room is not None else (Room(tenant=self.tenant, owner=owner, slug=slug), True)

    def changes(self, instance: Room, row: Row, *, new: bool) -> dict[str, Any]:
        wanted: dict[str, Any] = {}
        if new or row.has("name"):
            wanted["name"] = row.required("name", "the room's name")
            if len(wanted["name"]) > 120:
                row.fail("name", "At most 120 characters.")
        if row.has("description"):
            wanted["description"] = sanitize_html(row.text("description"))
        for name, choices in ROOM_CHOICES.items():
            if row.has(name):
                wanted[name] = row.choice(name, choices, default=getattr(instance, name))
        for name in ROOM_SWITCHES:
            if row.has(name):
                wanted[name] = row.boolean(name, default=getattr(instance, name))
        for name, minimum in ROOM_NUMBERS.items():
            if row.has(name):
                wanted[name] = row.number(name, minimum=minimum, default=getattr(instance, name))
        if row.has("price") or row.has("price_currency"):
            currency = row.currency("price_currency", default=str(self.tenant.default_currency))
            amount = row.amount("price")
            wanted["price"] = Money(instance.price.amount if amount is None else amount, currency)
        if wanted.get("fee_model", instance.fee_model) == FeeModel.FREE and "price" in wanted:
            wanted["price"] = Money(
                0, wanted["price"].currency
            )  # free rooms cost nothing, whatever the cell says
        if new:
            return wanted
        return differing({name: getattr(instance, name) for name in wanted}, wanted)

    def write(self, room: Room, changes: dict[str, Any], *, new: bool) -> Room:
        if new:
            return create_room(room.owner, self.tenant, actor=self.actor, slug=room.slug, **changes)
        return update_room(room, actor=self.actor, **changes)
