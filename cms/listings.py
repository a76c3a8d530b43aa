"""Reads behind the page blocks: the moderators, rooms, topics and plans of the page's own tenant.

Every function takes the tenant the page belongs to and filters by it, whatever the block's stored
value says: a chooser value crafted to point at another tenant's row renders nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django_scopes import scope
from wagtail.models import Page

from marketplace.models import (
    BillingPeriod,
    ModeratorProfile,
    Plan,
    Room,
    RoomStatus,
    ScheduledSession,
    Tenant,
    Topic,
    Visibility,
)
from marketplace.profile_selectors import listed_profiles, topics_of
from marketplace.public_pages import fee_text
from marketplace.schedule_selectors import next_sessions_for_rooms

CHOSEN, NEWEST, BY_TOPIC = "chosen", "newest", "topic"

PERIOD_TEXT = {
    BillingPeriod.MONTHLY: "per month",
    BillingPeriod.YEARLY: "per year",
    BillingPeriod.ONE_TIME: "once",
}
# Plan features in the order the dashboard's plans page lists them.
FEATURE_TEXT = (
    ("allows_paid_rooms", "Paid rooms"),
    ("allows_subscription_rooms", "Monthly subscription rooms"),
    ("allows_per_minute_rooms", "Per-minute rooms"),
    ("allows_recording", "Recordings"),
    ("allows_mp4_download", "MP4 downloads"),
    ("allows_attendance_reports", "Attendance reports"),
    ("allows_streaming", "Live streaming"),
    ("allows_custom_profile_link", "Custom profile link"),
)


def tenant_of_page(page: Page) -> Tenant | None:
    """The tenant whose site holds the page (remembered on the page object for its other blocks)."""
    if "_lyceum_tenant" not in page.__dict__:
        site = page.get_site()
        page.__dict__["_lyceum_tenant"] = (
            Tenant.objects.select_related("site").filter(site=site).first() if site else None
        )
    return page.__dict__["_lyceum_tenant"]


def tenant_for_context(context: Mapping[str, Any] | None) -> Tenant | None:
    """The page's tenant when a page is rendered; the request's otherwise (never a block's value)."""
    context = context or {}
    page = context.get("page")
    if isinstance(page, Page):
        return tenant_of_page(page)
    return getattr(context.get("request"), "tenant", None)


def public_content_shown(tenant: Tenant, context: Mapping[str, Any] | None) -> bool:
    """Sites that keep profiles and rooms to signed-in people keep them off their home page too."""
    user = getattr((context or {}).get("request"), "user", None)
    return tenant.public_content_visible or bool(user is not None and user.is_authenticated)


def _own_ids(tenant: Tenant, chosen: Iterable[Model | None]) -> list[int]:
    ids = [row.pk for row in chosen if row is not None and getattr(row, "tenant_id", None) == tenant.pk]
    return list(dict.fromkeys(ids))


def _own_topic(tenant: Tenant, topic: Topic | None) -> Topic | None:
    return topic if topic is not None and topic.tenant_id == tenant.pk else None


def featured_profiles(
    tenant: Tenant, *, rule: str, chosen: Iterable[ModeratorProfile | None], topic: Topic | None, count: int
) -> list[ModeratorProfile]:
    """Public profiles of the site's active moderators: the chosen ones in order, or by a rule."""
    with scope(tenant=tenant):
        profiles = listed_profiles(tenant)
        if rule == CHOSEN:
            ids = _own_ids(tenant, chosen)
            found = profiles.in_bulk(ids)
            return [found[pk] for pk in ids if pk in found][:count]
        if rule == BY_TOPIC:
            topic = _own_topic(tenant, topic)
            if topic is None:
                return []
            profiles = profiles.filter(topics=topic)
        return list(profiles.order_by("-created_at", "-pk")[:count])


def listed_rooms(tenant: Tenant) -> QuerySet[Room]:
    """Rooms anyone may find: active, public, of an active host (unlisted and private ones never)."""
    with scope(tenant=tenant):
        return Room.objects.filter(
            tenant=tenant, visibility=Visibility.PUBLIC, status=RoomStatus.ACTIVE, owner__is_active=True
        ).select_related("owner", "tenant")


@dataclass(frozen=True)
class RoomCard:
    room: Room
    fee_text: str
    next_session: ScheduledSession | None


def featured_rooms(
    tenant: Tenant, *, rule: str, chosen: Iterable[Room | None], topic: Topic | None, count: int
) -> list[RoomCard]:
    """Listed rooms: the chosen ones in order, the newest, or those whose host teaches a topic."""
    with scope(tenant=tenant):
        rooms = listed_rooms(tenant)
        if rule == CHOSEN:
            ids = _own_ids(tenant, chosen)
            found = rooms.in_bulk(ids)
            picked = [found[pk] for pk in ids if pk in found][:count]
        else:
            if rule == BY_TOPIC:
                topic = _own_topic(tenant, topic)
                if topic is None:
                    return []
                hosts = ModeratorProfile.objects.filter(tenant=tenant, topics=topic).values("user_id")
                rooms = rooms.filter(owner_id__in=hosts)
            picked = list(rooms.order_by("-created_at", "-pk")[:count])
        sessions = next_sessions_for_rooms(picked)
    return [RoomCard(room, fee_text(room), sessions.get(room.pk)) for room in picked]


def tenant_topics(tenant: Tenant, *, count: int) -> list[Topic]:
    with scope(tenant=tenant):
        return list(topics_of(tenant)[:count])


@dataclass(frozen=True)
class PlanCard:
    plan: Plan
    price_text: str
    period_text: str
    lines: list[str]


def plan_lines(plan: Plan) -> list[str]:
    rooms = "1 room" if plan.max_rooms == 1 else f"{plan.max_rooms} rooms"
    lines = [
        rooms,
        f"Up to {plan.max_attendees_per_room} attendees per room",
        f"Sessions up to {plan.max_session_minutes} minutes",
    ]
    return lines + [text for field, text in FEATURE_TEXT if getattr(plan, field)]


def pricing_plans(tenant: Tenant, *, include_free: bool) -> list[PlanCard]:
    """The site's moderator plans on sale (active ones), cheapest first as the plans page orders them."""
    with scope(tenant=tenant):
        plans = Plan.objects.filter(tenant=tenant, is_active=True)
        if not include_free:
            plans = plans.exclude(price=0)
        return [
            PlanCard(
                plan,
                "Free" if plan.is_free else str(plan.price),
                "" if plan.is_free else PERIOD_TEXT.get(plan.billing_period, ""),
                plan_lines(plan),
            )
            for plan in plans
        ]
