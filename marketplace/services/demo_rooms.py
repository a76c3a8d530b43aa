"""Demo hosts, rooms, schedules and a registration for `make run` (idempotent, like the rest of the seed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_scopes import scope
from djmoney.money import Money

from marketplace.models import Plan, Registration, Room, Tenant, User
from marketplace.services.plans import choose_plan, live_subscription
from marketplace.services.registrations import register
from marketplace.services.rooms import create_room
from marketplace.services.schedule import add_session


@dataclass(frozen=True)
class DemoRoom:
    host: str
    slug: str
    name: str
    description: str
    fields: dict
    sessions: tuple[tuple[int, int], ...] = ()  # (days from now, hour in the host's zone)


DEMO_ROOMS = {
    "marketplace": (
        DemoRoom(
            "ada-tutor",
            "algebra-office-hours",
            "Algebra office hours",
            "<p>Bring your homework: linear equations, factoring, word problems.</p>",
            {"access": "guests", "max_participants": 30},
            ((2, 17), (9, 17)),
        ),
        DemoRoom(
            "ada-tutor",
            "exam-prep",
            "Exam prep course",
            "<p>Four intensive sessions before the finals.</p><ul><li>Algebra</li><li>Geometry</li></ul>",
            {"fee_model": "one_time", "price": "25.00", "approval_required": True, "max_participants": 12},
            ((3, 18), (5, 18), (10, 18)),
        ),
        DemoRoom(
            "grace-coach",
            "writing-circle",
            "Weekly writing circle",
            "<p>Write together every week; feedback from the group.</p>",
            {"fee_model": "monthly", "price": "15.00", "max_participants": 20},
            ((4, 19),),
        ),
    ),
    "clinic": (
        DemoRoom(
            "dr-morgan",
            "nutrition-qa",
            "Nutrition Q&A",
            "<p>Open questions about diet and healthy habits.</p>",
            {"max_participants": 25},
            ((1, 12),),
        ),
    ),
}
DEMO_HOST_PLAN = "studio"
DEMO_REGISTRATIONS = {"marketplace": (("sam-student", "exam-prep"), ("lee-learner", "algebra-office-hours"))}


def _host_on_plan(tenant: Tenant, host: User, credit) -> None:
    """Hosts get the demo credit and buy the Studio plan with it, as a real host would."""
    if live_subscription(host, tenant) is not None and not live_subscription(host, tenant).plan.is_default:
        return
    credit(host)
    with scope(tenant=tenant):
        plan = Plan.objects.get(tenant=tenant, slug=DEMO_HOST_PLAN)
    choose_plan(host, plan, idempotency_key=f"demo-plan:{tenant.slug}:{host.handle}")


def seed_rooms(tenant: Tenant, credit, report) -> None:
    currency = str(tenant.default_currency)
    for spec in DEMO_ROOMS.get(tenant.slug, ()):
        host = User.objects.get(handle=spec.host)
        with scope(tenant=tenant):
            if Room.objects.filter(tenant=tenant, owner=host, slug=spec.slug).exists():
                continue
        _host_on_plan(tenant, host, credit)
        fields = dict(spec.fields)
        if "price" in fields:
            fields["price"] = Money(fields["price"], currency)
        room = create_room(
            host, tenant, name=spec.name, slug=spec.slug, description=spec.description, **fields
        )
        zone = ZoneInfo(host.time_zone or "UTC")
        today = timezone.localtime(timezone.now(), zone).date()
        for days, hour in spec.sessions:
            starts = datetime.combine(today + timedelta(days=days), datetime.min.time(), zone).replace(
                hour=hour
            )
            add_session(room, actor=host, starts_at=starts, duration_minutes=60, time_zone=zone.key)
        report.created.append(f"room {spec.slug}@{tenant.slug}")
    for handle, slug in DEMO_REGISTRATIONS.get(tenant.slug, ()):
        user = User.objects.get(handle=handle)
        with scope(tenant=tenant):
            room = Room.objects.get(tenant=tenant, slug=slug)
            if Registration.objects.filter(room=room, user=user).exists():
                continue
        register(user, room)
        report.created.append(f"registration {handle}→{slug}@{tenant.slug}")
