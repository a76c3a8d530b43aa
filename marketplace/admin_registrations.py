"""Back office: registrations of the site's rooms, approved, rejected or banned one by one or in bulk.

Every decision goes through marketplace.services.registrations, which moves the held money, tells
the attendee and writes the audit trail. In bulk, each registration is decided on its own: one that
cannot be (no longer pending, hold expired) is skipped with its reason and the others go through.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_list_or_404
from django.utils.functional import cached_property
from wagtail.admin import messages
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.permissions import register_permission_policy

from config.errors import DomainError
from marketplace.admin_base import (
    ObjectActionView,
    TenantAdminPolicy,
    TenantIndexView,
    TenantModelViewSet,
    may,
    tenant_filterset,
    tenant_rows,
)
from marketplace.models import Registration, RegistrationStatus, User
from marketplace.resources import RegistrationResource
from marketplace.services import registrations as registration_services


class NoteForm(forms.Form):
    note = forms.CharField(
        max_length=300, required=False, help_text="Optional; shown to the attendee.", widget=forms.Textarea
    )


def _pending(registration: Registration) -> bool:
    return registration.status == RegistrationStatus.PENDING


def _not_banned(registration: Registration) -> bool:
    return registration.status != RegistrationStatus.BANNED


def _approve(registration: Registration, actor: User, note: str) -> None:
    registration_services.approve(registration, actor=actor)


def _reject(registration: Registration, actor: User, note: str) -> None:
    registration_services.reject(registration, actor=actor, note=note)


def _ban(registration: Registration, actor: User, note: str) -> None:
    registration_services.ban(registration.room, registration.user, actor=actor, note=note)


class RegistrationActionView(ObjectActionView):
    model = Registration
    run = staticmethod(_approve)
    done = ""

    def perform(self, form: forms.Form) -> str:
        self.run(self.object, self.request.user, form.cleaned_data.get("note", ""))
        return f"{self.object.user} {self.done} {self.object.room}."


class ApproveRegistrationView(RegistrationActionView):
    name = "approve"
    label = "Approve"
    submit_label = "Approve"
    confirmation = "The attendee gets their seat; money held for a paid room goes to the host."
    applies = staticmethod(_pending)
    done = "is approved for"


class RejectRegistrationView(RegistrationActionView):
    name = "reject"
    label = "Reject"
    icon = "cross"
    form_class = NoteForm
    submit_label = "Reject"
    serious = True
    confirmation = "The attendee is told; money held for a paid room goes back to their wallet."
    applies = staticmethod(_pending)
    run = staticmethod(_reject)
    done = "is rejected for"


class BanRegistrationView(RegistrationActionView):
    name = "ban"
    label = "Ban from the room"
    icon = "warning"
    form_class = NoteForm
    submit_label = "Ban"
    serious = True
    confirmation = (
        "The person can neither register for nor join this room. Held money goes back to them; "
        "payments already made stay with the host."
    )
    applies = staticmethod(_not_banned)
    run = staticmethod(_ban)
    done = "is banned from"


class RegistrationBulkAction(BulkAction):
    """Decide several registrations; those the decision does not apply to are listed and skipped."""

    models = [Registration]
    template_name = "marketplace/admin/bulk_registrations.html"
    question = ""

    def __init__(self, request: HttpRequest, model: type[Model]) -> None:
        super().__init__(request, model)
        self.failures: list[str] = []

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request, Registration, self.action_type):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self, model: type[Model], object_ids: list[Any]) -> list[Registration]:
        ids = [value for value in map(str, object_ids) if value.isdigit()]
        rows = tenant_rows(model, self.request).select_related("user", "room", "tenant")
        return get_list_or_404(rows, pk__in=ids)

    def get_all_objects_in_listing_query(self, parent_id: Any) -> QuerySet:
        return tenant_rows(self.model, self.request).values_list("pk", flat=True)

    def check_perm(self, obj: Registration) -> bool:
        return self.applies(obj)

    def get_execution_context(self) -> dict[str, Any]:
        note = self.cleaned_form.cleaned_data.get("note", "") if self.cleaned_form else ""
        return {"actor": self.request.user, "note": note, "failures": self.failures}

    @classmethod
    def execute_action(cls, objects, actor: User, note: str, failures: list[str], **kwargs: Any):
        done = 0
        for registration in objects:
            try:
                cls.run(registration, actor, note)
            except DomainError as error:  # the service rolled its own change back
                failures.append(f"{registration}: {error.message}")
            else:
                done += 1
        return done, 0

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        for failure in self.failures:
            messages.warning(self.request, failure)
        return f"{num_parent_objects} registration(s) {self.done}."


class ApproveBulkAction(RegistrationBulkAction):
    display_name = "Approve"
    action_type = "approve"
    aria_label = "Approve the selected registrations"
    question = "Approve these registrations? Money held for paid rooms goes to their hosts."
    applies = staticmethod(_pending)
    run = staticmethod(_approve)
    done = "approved"
    action_priority = 10


class RejectBulkAction(RegistrationBulkAction):
    display_name = "Reject"
    action_type = "reject"
    aria_label = "Reject the selected registrations"
    question = "Reject these registrations? Money held for paid rooms goes back to the attendees."
    form_class = NoteForm
    applies = staticmethod(_pending)
    run = staticmethod(_reject)
    done = "rejected"
    action_priority = 20


class BanBulkAction(RegistrationBulkAction):
    display_name = "Ban"
    action_type = "ban"
    aria_label = "Ban the selected people from their rooms"
    question = "Ban these people from the rooms? They can neither register nor join again."
    form_class = NoteForm
    applies = staticmethod(_not_banned)
    run = staticmethod(_ban)
    done = "banned"
    action_priority = 30
    classes = {"serious"}


BULK_ACTIONS = (ApproveBulkAction, RejectBulkAction, BanBulkAction)


class RegistrationIndexView(TenantIndexView):
    template_name = "marketplace/admin/registrations_index.html"

    def narrow(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("user", "room", "tenant")

    @cached_property
    def columns(self) -> list:
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="registration"), *super().columns]

    def _get_title_column(self, *args: Any, **kwargs: Any):
        # The checkboxes describe themselves by the title cell's id.
        return super()._get_title_column(
            *args, **kwargs, get_title_id=lambda instance: f"registration_{quote(instance.pk)}_title"
        )


class RegistrationViewSet(TenantModelViewSet):
    model = Registration
    icon = "user"
    menu_label = "Registrations"
    index_view_class = RegistrationIndexView
    filterset_class = tenant_filterset(Registration, ["status", "fee_model"])
    search_fields = ["user__handle", "user__email", "room__name"]
    list_display = [
        "user__handle",
        Column("room", label="Room", accessor="room.name", sort_key="room__name"),
        "status",
        "price",
        "paid",
        DateColumn("created_at", label="Registered", sort_key="created_at"),
        "tenant",
    ]
    inspect_view_fields = [
        "user",
        "room",
        "status",
        "cycle",
        "fee_model",
        "price",
        "paid",
        "hold",
        "paid_at",
        "period_end",
        "cancel_at_period_end",
        "decided_by",
        "decided_at",
        "note",
        "created_at",
        "tenant",
    ]
    object_actions = (ApproveRegistrationView, RejectRegistrationView, BanRegistrationView)
    resource_class = RegistrationResource


register_permission_policy(
    Registration,
    TenantAdminPolicy(
        Registration, actions=frozenset({"view", "approve", "reject", "ban", "export", "import"})
    ),
)
registration_viewset = RegistrationViewSet("registrations")
