"""Back-office screen of the invitations sent to addresses without a confirmed account.

Invitations are made from the Members screen ("Invite a member"); here admins see which are still
open, send one again (a new email, and thirty more days) or cancel it.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permissions import register_permission_policy

from marketplace.admin_base import (
    ObjectActionView,
    TenantAdminPolicy,
    TenantIndexView,
    TenantModelViewSet,
    tenant_filterset,
)
from marketplace.models import MemberInvitation
from marketplace.roles import Role
from marketplace.services.invitations import cancel_invitation, invite_member

STATES = [("open", "Open"), ("accepted", "Accepted"), ("expired", "Expired"), ("canceled", "Canceled")]


def _in_state(queryset: QuerySet, name: str, value: str) -> QuerySet:
    now = timezone.now()
    if value == "accepted":
        return queryset.filter(accepted_at__isnull=False)
    if value == "canceled":
        return queryset.filter(canceled_at__isnull=False)
    pending = queryset.filter(accepted_at=None, canceled_at=None)
    if value == "expired":
        return pending.filter(expires_at__lte=now)
    if value == "open":
        return pending.filter(expires_at__gt=now)
    return queryset


InvitationFilterSet = tenant_filterset(
    MemberInvitation,
    ["role"],
    state=django_filters.ChoiceFilter(label="State", choices=STATES, method=_in_state),
)


class InvitationIndexView(TenantIndexView):
    def narrow(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("tenant", "invited_by", "accepted_by")


class ResendView(ObjectActionView):
    model = MemberInvitation
    name = "resend"
    label = "Send again"
    icon = "mail"
    submit_label = "Send again"

    @classmethod
    def applies(cls, instance: MemberInvitation) -> bool:
        return instance.state in ("open", "expired")

    @property
    def confirmation(self) -> str:
        return f"{self.object.email} gets the invitation again, open for another period."

    def perform(self, form) -> str:
        invite_member(
            self.object.tenant, person=self.object.email, role=self.object.role, actor=self.request.user
        )
        return f"The invitation is sent to {self.object.email} again."


class CancelView(ObjectActionView):
    model = MemberInvitation
    name = "cancel"
    label = "Cancel invitation"
    icon = "cross"
    serious = True
    submit_label = "Cancel the invitation"

    @classmethod
    def applies(cls, instance: MemberInvitation) -> bool:
        return instance.state == "open"

    @property
    def confirmation(self) -> str:
        return f"{self.object.email} can no longer accept the role by confirming the address."

    def perform(self, form) -> str:
        cancel_invitation(self.object, actor=self.request.user)
        return f"The invitation to {self.object.email} is canceled."


class InvitationViewSet(TenantModelViewSet):
    model = MemberInvitation
    icon = "mail"
    menu_label = "Invitations"
    index_view_class = InvitationIndexView
    add_view_enabled = False
    edit_view_enabled = False
    filterset_class = InvitationFilterSet
    search_fields = ["email"]
    ordering = "-created_at"
    list_display = [
        "email",
        Column("role", label="Role", accessor=lambda i: Role(i.role).label),
        Column("state", label="State", accessor=lambda i: dict(STATES)[i.state]),
        "tenant",
        Column("invited_by", label="Invited by", accessor="invited_by"),
        DateColumn("created_at", label="Sent", sort_key="created_at"),
        DateColumn("expires_at", label="Open until", sort_key="expires_at"),
    ]
    inspect_view_fields = [
        "email",
        "role",
        "tenant",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "canceled_at",
    ]
    object_actions = (ResendView, CancelView)


register_permission_policy(
    MemberInvitation,
    TenantAdminPolicy(MemberInvitation, actions=frozenset({"view", "resend", "cancel"})),
)
invitation_viewset = InvitationViewSet("member-invitations")
