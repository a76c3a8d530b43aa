"""Back office: moderators' plan subscriptions and the rooms of the site (registrations: see
marketplace.admin_registrations).

Subscriptions are read-only here (moderators choose and cancel plans themselves). Rooms are edited
through the room service, so the owner's plan limits apply to admins too; pausing and resuming go
through their service, which writes the audit trail.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permissions import register_permission_policy

from marketplace.admin_base import (
    ObjectActionView,
    TenantAdminPolicy,
    TenantEditView,
    TenantIndexView,
    TenantModelViewSet,
    tenant_filterset,
)
from marketplace.models import PlanSubscription, Room, RoomStatus
from marketplace.resources import RoomResource
from marketplace.services.room_status import pause_room, resume_room
from marketplace.services.rooms import update_room

# --- Plan subscriptions ------------------------------------------------------------------------


class SubscriptionIndexView(TenantIndexView):
    def narrow(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("user", "plan", "tenant")


class PlanSubscriptionViewSet(TenantModelViewSet):
    model = PlanSubscription
    icon = "tag"
    menu_label = "Plan subscriptions"
    index_view_class = SubscriptionIndexView
    filterset_class = tenant_filterset(PlanSubscription, ["status", "cancel_at_period_end"])
    search_fields = ["user__handle", "user__email", "plan__name"]
    list_display = [
        "user__handle",
        Column("plan", label="Plan", accessor="plan.name", sort_key="plan__name"),
        "status",
        "price",
        DateColumn("period_start", label="Since", sort_key="period_start"),
        DateColumn("period_end", label="Paid until", sort_key="period_end"),
        "tenant",
    ]
    inspect_view_fields = [
        "user",
        "plan",
        "status",
        "price",
        "period_start",
        "period_end",
        "cancel_at_period_end",
        "next_plan",
        "grace_until",
        "created_at",
        "ended_at",
        "tenant",
    ]


# --- Rooms ---------------------------------------------------------------------------------------

ROOM_FORM_FIELDS = [
    "name",
    "slug",
    "description",
    "visibility",
    "access",
    "max_participants",
    "max_duration_minutes",
    "approval_required",
]


class RoomForm(WagtailAdminModelForm):
    class Meta:
        model = Room
        fields = ROOM_FORM_FIELDS


class RoomEditView(TenantEditView):
    def save_instance(self) -> Room:
        # The form already copied its values onto the instance: the service reloads the stored row.
        changes = {name: self.form.cleaned_data[name] for name in ROOM_FORM_FIELDS}
        return update_room(self.object, actor=self.request.user, **changes)


class PauseForm(forms.Form):
    reason = forms.CharField(max_length=150, help_text="Shown to the host and on the room's page.")


class PauseRoomView(ObjectActionView):
    model = Room
    name = "pause"
    label = "Pause"
    icon = "pause"
    form_class = PauseForm
    submit_label = "Pause the room"
    confirmation = "A paused room takes no registrations and cannot be joined until it is resumed."

    @classmethod
    def applies(cls, instance: Room) -> bool:
        return instance.status == RoomStatus.ACTIVE

    def perform(self, form: forms.Form) -> str:
        pause_room(self.object, actor=self.request.user, reason=form.cleaned_data["reason"])
        return f"{self.object} is paused."


class ResumeRoomView(ObjectActionView):
    model = Room
    name = "resume"
    label = "Resume"
    icon = "play"
    submit_label = "Resume the room"
    confirmation = "The room takes registrations again, within its host's plan."

    @classmethod
    def applies(cls, instance: Room) -> bool:
        return instance.status == RoomStatus.PAUSED

    def perform(self, form: forms.Form) -> str:
        resume_room(self.object, actor=self.request.user)
        return f"{self.object} is active again."


class RoomIndexView(TenantIndexView):
    def narrow(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("owner", "tenant")


class RoomViewSet(TenantModelViewSet):
    model = Room
    icon = "desktop"
    menu_label = "Rooms"
    index_view_class = RoomIndexView
    edit_view_class = RoomEditView
    filterset_class = tenant_filterset(Room, ["status", "visibility", "fee_model", "approval_required"])
    search_fields = ["name", "slug", "owner__handle", "owner__email"]
    list_display = [
        "name",
        Column("owner", label="Host", accessor="owner.handle", sort_key="owner__handle"),
        "fee_model",
        "price",
        "visibility",
        "status",
        "tenant",
    ]
    inspect_view_fields = [
        "name",
        "owner",
        "slug",
        "description",
        "visibility",
        "access",
        "fee_model",
        "price",
        "max_participants",
        "max_duration_minutes",
        "approval_required",
        "status",
        "paused_reason",
        "record",
        "created_at",
        "updated_at",
        "tenant",
    ]
    object_actions = (PauseRoomView, ResumeRoomView)
    resource_class = RoomResource

    def get_form_class(self, for_update: bool = False):
        return RoomForm


register_permission_policy(PlanSubscription, TenantAdminPolicy(PlanSubscription))
register_permission_policy(
    Room,
    TenantAdminPolicy(Room, actions=frozenset({"view", "change", "pause", "resume", "export", "import"})),
)
subscription_viewset = PlanSubscriptionViewSet("plan-subscriptions")
room_viewset = RoomViewSet("rooms")
