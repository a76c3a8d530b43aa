"""Registrations: approve, reject and ban one by one or in bulk, through the registration services."""

from __future__ import annotations

import pytest
from django_scopes import scope

from marketplace.models import Registration, RegistrationStatus
from marketplace.services.registrations import register
from payments import ledger
from tests.backoffice.conftest import sign_in
from tests.factories import make_member
from tests.factories.money import balance, fund
from tests.marketplace.registration_fixtures import usd

pytestmark = pytest.mark.django_db

BULK = "/cms/bulk/marketplace/registration"


@pytest.fixture
def paid_room(make_room):
    return make_room(name="Calculus", fee_model="one_time", price=usd("20.00"), approval_required=True)


def pending(tenant, room, handle: str) -> Registration:
    user = make_member(tenant, handle=handle, email=f"{handle}@example.com", display_name=handle.title())
    fund(tenant, user, "50")
    registration = register(user, room)
    assert registration.status == RegistrationStatus.PENDING
    return registration


def status_of(registration: Registration) -> str:
    with scope(tenant=registration.tenant):
        return Registration.objects.get(pk=registration.pk).status


def test_approving_a_paid_pending_registration_settles_the_hold(
    tenant, admin_user, host, paid_room, verified
):
    registration = pending(tenant, paid_room, "amy")
    amy = registration.user
    assert balance(tenant, amy) == usd("30.00")
    client = sign_in(tenant, admin_user)
    assert (
        "money held for a paid room goes to the host"
        in client.get(f"/cms/registrations/approve/{registration.pk}/").content.decode()
    )

    assert client.post(f"/cms/registrations/approve/{registration.pk}/").status_code == 302
    with scope(tenant=tenant):
        approved = Registration.objects.get(pk=registration.pk)
    assert approved.status == RegistrationStatus.APPROVED and approved.decided_by_id == admin_user.pk
    assert balance(tenant, amy) == usd("30.00")
    assert ledger.held_of(amy, tenant, "USD").balance == usd("0")
    assert balance(tenant, host) == usd("17.00")  # 20 less 10% for the site and 5% for the platform
    history = client.get(f"/cms/registrations/history/{registration.pk}/").content.decode()
    assert "Approve registration" in history

    again = client.post(f"/cms/registrations/approve/{registration.pk}/")
    assert again.status_code == 200 and "Only pending registrations" in again.content.decode()


def test_rejecting_gives_the_held_money_back(tenant, admin_user, paid_room, verified):
    registration = pending(tenant, paid_room, "amy")
    client = sign_in(tenant, admin_user)
    response = client.post(f"/cms/registrations/reject/{registration.pk}/", {"note": "Course is full"})
    assert response.status_code == 302
    with scope(tenant=tenant):
        rejected = Registration.objects.get(pk=registration.pk)
    assert rejected.status == RegistrationStatus.REJECTED and rejected.note == "Course is full"
    assert balance(tenant, registration.user) == usd("50.00")


def test_banning_from_the_list(tenant, admin_user, paid_room, verified):
    registration = pending(tenant, paid_room, "amy")
    client = sign_in(tenant, admin_user)
    listing = client.get("/cms/registrations/?status=pending").content.decode()
    assert f"/cms/registrations/ban/{registration.pk}/" in listing
    assert client.post(f"/cms/registrations/ban/{registration.pk}/", {"note": "Spam"}).status_code == 302
    assert status_of(registration) == RegistrationStatus.BANNED
    assert balance(tenant, registration.user) == usd("50.00")
    assert (
        f"/cms/registrations/ban/{registration.pk}/" not in client.get("/cms/registrations/").content.decode()
    )


def test_bulk_approval_skips_what_is_no_longer_pending(tenant, admin_user, host, paid_room, verified):
    amy, ben, cat = (pending(tenant, paid_room, handle) for handle in ("amy", "ben", "cat"))
    client = sign_in(tenant, admin_user)
    assert client.post(f"/cms/registrations/reject/{amy.pk}/").status_code == 302
    url = f"{BULK}/approve/?id={amy.pk}&id={ben.pk}&id={cat.pk}&next=/cms/registrations/"

    confirm = client.get(url).content.decode()
    assert "Approve these registrations?" in confirm
    skipped = confirm[confirm.index("Skipped") :]
    assert "Amy" in skipped and "Ben" not in skipped and "Cat" not in skipped
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/cms/registrations/"
    assert [status_of(r) for r in (amy, ben, cat)] == ["rejected", "approved", "approved"]
    assert balance(tenant, host) == usd("34.00")


def test_bulk_rejection_with_a_note(tenant, admin_user, paid_room, verified):
    ben, cat = pending(tenant, paid_room, "ben"), pending(tenant, paid_room, "cat")
    client = sign_in(tenant, admin_user)
    response = client.post(f"{BULK}/reject/?id={ben.pk}&id={cat.pk}", {"note": "Cancelled course"})
    assert response.status_code == 302
    with scope(tenant=tenant):
        notes = set(Registration.objects.filter(pk__in=[ben.pk, cat.pk]).values_list("status", "note"))
    assert notes == {("rejected", "Cancelled course")}
    assert balance(tenant, ben.user) == usd("50.00")


def test_other_sites_and_editors_decide_nothing(tenant, other_tenant, paid_room, other_admin, editor):
    registration = pending(tenant, paid_room, "amy")
    outsider = sign_in(other_tenant, other_admin)
    assert outsider.post(f"/cms/registrations/approve/{registration.pk}/").status_code == 404
    assert outsider.post(f"{BULK}/approve/?id={registration.pk}").status_code == 404
    staff = sign_in(tenant, editor)
    assert staff.post(f"/cms/registrations/approve/{registration.pk}/").status_code in (302, 403)
    assert staff.post(f"{BULK}/approve/?id={registration.pk}").status_code in (302, 403)
    assert status_of(registration) == RegistrationStatus.PENDING


def test_the_owner_decides_on_any_site(tenant, other_tenant, owner, paid_room, verified):
    registration = pending(tenant, paid_room, "amy")
    client = sign_in(other_tenant, owner)
    assert client.post(f"/cms/registrations/approve/{registration.pk}/").status_code == 302
    assert status_of(registration) == RegistrationStatus.APPROVED
