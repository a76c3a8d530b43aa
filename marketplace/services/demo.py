"""Demo data for `make run`: a platform owner and two tenants with their people.

Idempotent: a second run finds everything in place and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django_scopes import scopes_disabled
from wagtail.models import Page, Site

from cms.services import prepare_tenant_site
from marketplace.models import Membership, Tenant, User
from marketplace.roles import Role
from marketplace.services.back_office import sync_back_office_access
from marketplace.services.tenants import create_tenant

DEMO_PASSWORD = "lyceum-demo"
DEMO_CREDIT = "100.00"
OWNER_EMAIL = "owner@lyceum.localhost"


@dataclass(frozen=True)
class DemoPerson:
    handle: str
    name: str
    role: Role


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    name: str
    hostname: str
    domain: str
    people: tuple[DemoPerson, ...]
    is_default_site: bool = False
    options: dict = field(default_factory=dict)


def _people(prefix: str, moderators: tuple[str, ...], attendees: tuple[str, ...]) -> tuple[DemoPerson, ...]:
    people = [
        DemoPerson(f"{prefix}-admin", f"{prefix.title()} Admin", Role.ADMIN),
        DemoPerson(f"{prefix}-editor", f"{prefix.title()} Editor", Role.EDITOR),
    ]
    people += [DemoPerson(handle, handle.replace("-", " ").title(), Role.MODERATOR) for handle in moderators]
    people += [DemoPerson(handle, handle.replace("-", " ").title(), Role.ATTENDEE) for handle in attendees]
    return tuple(people)


DEMO_TENANTS = (
    DemoTenant(
        slug="marketplace",
        name="Lyceum Marketplace",
        hostname="localhost",
        domain="marketplace.localhost",
        is_default_site=True,
        people=_people(
            "market",
            ("ada-tutor", "grace-coach", "alan-consultant"),
            ("sam-student", "lee-learner", "kim-curious", "ola-attendee", "ray-reader"),
        ),
    ),
    DemoTenant(
        slug="clinic",
        name="Northwind Clinic",
        hostname="127.0.0.1",
        domain="clinic.localhost",
        options={"tenant_commission_rate": "0.1500", "guests_allowed": False},
        people=_people(
            "clinic",
            ("dr-morgan", "dr-okafor", "dr-silva"),
            ("pat-patient", "jo-patient", "max-patient", "ana-patient", "eli-patient"),
        ),
    ),
)


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def _ensure_user(email: str, handle: str, name: str, report: SeedReport, **extra) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, handle=handle, display_name=name, **extra
        )
        report.created.append(f"user {email}")
    return user


def _retire_wagtail_welcome_site() -> None:
    """Wagtail's install ships a placeholder site and page; tenants replace them."""
    for site in Site.objects.filter(tenant__isnull=True):
        page = site.root_page.specific
        site.delete()
        if type(page) is Page and page.slug == "home" and not page.get_children().exists():
            page.delete()


def _ensure_tenant(spec: DemoTenant, port: int, report: SeedReport) -> Tenant:
    tenant = Tenant.objects.filter(slug=spec.slug).first()
    if tenant is None:
        if spec.is_default_site:
            _retire_wagtail_welcome_site()
        tenant = create_tenant(
            name=spec.name,
            slug=spec.slug,
            hostname=spec.hostname,
            port=port,
            is_default_site=spec.is_default_site,
            **spec.options,
        )
        report.created.append(f"tenant {spec.name}")
    return tenant


DEMO_PLANS = (
    {
        "slug": "pro",
        "name": "Pro",
        "price": "19.00",
        "max_rooms": 10,
        "max_attendees_per_room": 50,
        "max_session_minutes": 120,
        "allows_paid_rooms": True,
        "allows_recording": True,
        "allows_attendance_reports": True,
        "description": "Sell sessions to groups, with recordings.",
    },
    {
        "slug": "studio",
        "name": "Studio",
        "price": "49.00",
        "max_rooms": 50,
        "max_attendees_per_room": 200,
        "max_session_minutes": 240,
        "allows_paid_rooms": True,
        "allows_subscription_rooms": True,
        "allows_per_minute_rooms": True,
        "allows_recording": True,
        "allows_mp4_download": True,
        "allows_attendance_reports": True,
        "allows_streaming": True,
        "allows_custom_profile_link": True,
        "description": "Everything, for busy practices and schools.",
    },
)


def _ensure_demo_plans(tenant: Tenant, report: SeedReport) -> None:
    from djmoney.money import Money

    from marketplace.models import Plan
    from marketplace.services.plans import default_plan

    default_plan(tenant)
    with scopes_disabled():
        for spec in DEMO_PLANS:
            values = {**spec, "price": Money(spec["price"], str(tenant.default_currency))}
            _, created = Plan.objects.get_or_create(tenant=tenant, slug=spec["slug"], defaults=values)
            if created:
                report.created.append(f"plan {spec['name']}@{tenant.slug}")


def _credit_demo_wallet(tenant: Tenant, user: User, owner: User, report: SeedReport) -> None:
    """Demo attendees start with some money (an audited adjustment, once: its key is fixed)."""
    from djmoney.money import Money

    from payments.models import Entry
    from payments.services.adjustments import adjust_wallet

    key = f"demo-credit:{tenant.slug}:{user.handle}"
    with scopes_disabled():
        if Entry.objects.filter(idempotency_key=key).exists():
            return
    adjust_wallet(
        tenant=tenant,
        user=user,
        amount=Money(DEMO_CREDIT, str(tenant.default_currency)),
        reason="Demo credit",
        idempotency_key=key,
        actor=owner,
    )
    report.created.append(f"demo credit {user.handle}@{tenant.slug}")


def _prepare_explore(tenant: Tenant) -> None:
    """The Explore page (sites seeded before it existed have none) and the demo's search index.

    The seed runs as a command: the index jobs its changes queue would reach no worker (the
    in-memory broker of `make run` lives in this process), so the demo is indexed here.
    """
    from search.indexing import index_tenant
    from search.services import ensure_explore_page

    ensure_explore_page(tenant)
    index_tenant(tenant)


@transaction.atomic
def seed_demo(*, port: int = 8000) -> SeedReport:
    report = SeedReport()
    owner = _ensure_user(OWNER_EMAIL, "owner", "Platform Owner", report, is_staff=True, is_superuser=True)
    report.logins.append(("platform owner", owner.email, "every site, /cms/"))
    for spec in DEMO_TENANTS:
        tenant = _ensure_tenant(spec, port, report)
        prepare_tenant_site(tenant)  # standard pages, menus and editor access of sites seeded earlier
        _ensure_demo_plans(tenant, report)
        for person in spec.people:
            email = f"{person.handle}@{spec.domain}"
            user = _ensure_user(email, person.handle, person.name, report)
            with scopes_disabled():
                for role in {Role.ATTENDEE, person.role}:
                    _, created = Membership.objects.get_or_create(tenant=tenant, user=user, role=role)
                    if created:
                        report.created.append(f"{role} {person.handle}@{spec.slug}")
            sync_back_office_access(user)
            if person.role == Role.ATTENDEE:
                _credit_demo_wallet(tenant, user, owner, report)
            report.logins.append((f"{spec.name} {person.role.label.lower()}", email, tenant.site.root_url))
        from marketplace.services.demo_profiles import seed_profiles
        from marketplace.services.demo_rooms import seed_rooms

        seed_rooms(tenant, lambda user, t=tenant: _credit_demo_wallet(t, user, owner, report), report)
        seed_profiles(tenant, report)
        _prepare_explore(tenant)
    return report
