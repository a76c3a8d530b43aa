"""Back office: the site's meeting sessions and who attended them (read-only history).

Sessions and attendance are written by the join service, BBB's callbacks and polling; here the
site's admins (and the platform owner, across sites) only read them.
"""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, Table
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from conferencing.models import Attendance, Session
from marketplace.admin_base import (
    TenantAdminPolicy,
    TenantIndexView,
    TenantInspectView,
    TenantModelViewSet,
    tenant_filterset,
)


def minutes(seconds: int) -> str:
    whole, rest = divmod(seconds, 60)
    return f"{whole} min {rest:02d} s"


ATTENDANCE_COLUMNS = [
    Column("full_name", label="Name"),
    Column("user", label="Account", accessor=lambda row: row.user.handle if row.user_id else "guest"),
    Column("role", label="Role"),
    DateColumn("joined_at", label="Joined"),
    DateColumn("left_at", label="Left"),
    Column("duration", label="Time in the meeting", accessor=lambda row: minutes(row.duration_seconds)),
    Column("talk", label="Talking", accessor=lambda row: minutes(row.talk_seconds)),
    Column("chat_messages", label="Chat messages"),
    Column("poll_votes", label="Poll votes"),
    BooleanColumn("from_analytics", label="Confirmed by BBB"),
]


class SessionIndexView(TenantIndexView):
    def narrow(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("room", "room__owner", "tenant")


class SessionInspectView(TenantInspectView):
    extra_labels = {"attendance": "Attendance"}

    def get_attendance_display_value(self) -> Table:
        # The session's own tenant: the owner reads any site's session with scopes disabled.
        rows = Attendance.objects.filter(session=self.object, tenant_id=self.object.tenant_id)
        return Table(ATTENDANCE_COLUMNS, list(rows.select_related("user")), caption="Attendance")


class SessionViewSet(TenantModelViewSet):
    model = Session
    icon = "media"
    menu_label = "Sessions"
    index_view_class = SessionIndexView
    inspect_view_class = SessionInspectView
    filterset_class = tenant_filterset(Session, ["status", "recorded"])
    search_fields = ["room__name", "room__owner__handle", "meeting_id"]
    ordering = "-started_at"
    list_display = [
        "room__name",
        Column("host", label="Host", accessor="room.owner.handle", sort_key="room__owner__handle"),
        "status",
        DateColumn("started_at", label="Started", sort_key="started_at"),
        DateColumn("ended_at", label="Ended", sort_key="ended_at"),
        Column("participants_peak", label="Peak participants", sort_key="participants_peak"),
        "tenant",
    ]
    inspect_view_fields = [
        "room",
        "status",
        "started_at",
        "ended_at",
        "participants_peak",
        "max_participants",
        "duration_limit_minutes",
        "recorded",
        "meeting_id",
        "endpoint",
        "tenant",
        "attendance",
    ]


register_permission_policy(Session, TenantAdminPolicy(Session))
session_viewset = SessionViewSet("sessions")


class ConferencingGroup(ViewSetGroup):
    """The back office's "Conferencing" menu; other screens can join it through its hook."""

    menu_label = "Conferencing"
    menu_icon = "media"
    menu_order = 340
    submenu_hook = "register_conferencing_menu_item"
    items = (session_viewset,)
