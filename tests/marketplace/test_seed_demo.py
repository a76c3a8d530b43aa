"""`seed_demo` builds the demo once; running it again changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django_scopes import scopes_disabled
from wagtail.models import Site

from marketplace.models import Membership, Registration, Room, Tenant, User
from marketplace.roles import Role
from marketplace.services.demo import DEMO_CREDIT, DEMO_PASSWORD
from payments.models import Account, Entry
from tests.factories.money import balance

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    with scopes_disabled():
        return {
            "users": sorted(User.objects.values_list("email", "handle", "password", "is_superuser")),
            "tenants": sorted(Tenant.objects.values_list("slug", "site__hostname", "site__is_default_site")),
            "memberships": sorted(Membership.objects.values_list("tenant__slug", "user__handle", "role")),
            "sites": Site.objects.count(),
            "balances": sorted(
                (str(a.user), str(a.balance)) for a in Account.objects.select_related("user") if a.user_id
            ),
        }


def test_seed_demo_is_idempotent_and_prints_logins():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = snapshot()
    printed = out.getvalue()
    assert "owner@lyceum.localhost" in printed and DEMO_PASSWORD in printed

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "already in place" in out.getvalue()
    assert snapshot() == first


def test_seed_demo_content():
    call_command("seed_demo", "--quiet", stdout=io.StringIO())
    data = snapshot()
    assert [(slug, host) for slug, host, _ in data["tenants"]] == [
        ("clinic", "127.0.0.1"),
        ("marketplace", "localhost"),
    ]
    for slug in ("clinic", "marketplace"):
        roles = [role for tenant, _, role in data["memberships"] if tenant == slug]
        assert roles.count(Role.ADMIN) == 1
        assert roles.count(Role.EDITOR) == 1
        assert roles.count(Role.MODERATOR) == 3
        assert roles.count(Role.ATTENDEE) == 10  # everyone is an attendee, five only that
    with scopes_disabled():
        credited = set(Entry.objects.filter(memo="Demo credit").values_list("idempotency_key", flat=True))
        rooms = sorted(Room.objects.values_list("tenant__slug", "owner__handle", "slug", "fee_model"))
        registrations = sorted(Registration.objects.values_list("user__handle", "room__slug", "status"))
    assert len(credited) == 10 + 3  # every attendee, and the hosts who bought a plan with it
    assert "demo-credit:marketplace:sam-student" in credited
    assert ("marketplace", "ada-tutor", "exam-prep", "one_time") in rooms and len(rooms) == 4
    assert registrations == [
        ("lee-learner", "algebra-office-hours", "approved"),
        ("sam-student", "exam-prep", "pending"),  # waiting for ada-tutor, its price held
    ]
    market = Tenant.objects.get(slug="marketplace")
    sam, lee = (User.objects.get(handle=h) for h in ("sam-student", "lee-learner"))
    assert str(balance(market, sam)) == "$75.00" and str(balance(market, lee)) == f"${DEMO_CREDIT}"
    owner = User.objects.get(email="owner@lyceum.localhost")
    assert owner.is_superuser and owner.check_password(DEMO_PASSWORD)


def test_demo_logins_work_on_their_sites():
    call_command("seed_demo", "--quiet", stdout=io.StringIO())
    client = Client(HTTP_HOST="127.0.0.1")
    response = client.post(
        "/accounts/login/", {"login": "dr-morgan@clinic.localhost", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/dashboard/").content.decode()
    assert "Northwind Clinic" in page and "@dr-morgan" in page
