"""Tenant billing: the global switch, free and paid tenants, grace and suspension, paying with the
test gateway, reminders, placeholders, and who may see or change what."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from djmoney.money import Money
from wagtail.models import ModelLogEntry

from conferencing.services.meetings import tenant_may_host
from marketplace.models import Room
from marketplace.roles import Role
from payments import ledger
from payments.models import (
    AccountKind,
    BillingMode,
    BillingReminder,
    BillingSettings,
    Entry,
    EntryKind,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    SubscriptionSource,
    TenantBilling,
    TenantPlan,
    TenantSubscription,
    TenantSubscriptionStatus,
)
from payments.services.tenant_billing import (
    mark_paid_manually,
    set_billing_mode,
)
from payments.services.tenant_billing_reminders import fill_placeholders, send_billing_reminders
from payments.tasks import tenant_billing_reminders_job
from payments.tenant_billing_selectors import BillingState, status_of
from tests.factories import make_member
from tests.payments.conftest import balance
from tests.payments.tenant_billing_setup import (
    SUSPENDED_NOTICE,
    USD,
    home_page,
    logged_in,
    make_owner,
    make_plan,
    make_room_host,
    pay_with_test_card,
    switch_on,
)

pytestmark = pytest.mark.django_db


def test_every_tenant_has_a_billing_row_in_paid_mode(tenant, other_tenant):
    with scopes_disabled():
        assert set(TenantBilling.objects.values_list("tenant__slug", "mode")) == {
            ("alpha", BillingMode.PAID),
            ("beta", BillingMode.PAID),
        }


def test_with_the_global_switch_off_nobody_is_ever_suspended(tenant):
    assert not BillingSettings.objects.exists()
    with time_machine.travel(timezone.now() + timedelta(days=400), tick=False):
        status = status_of(tenant)
        assert status.state == BillingState.ACTIVE and status.never_expires
        assert tenant_may_host(tenant)
        assert SUSPENDED_NOTICE not in home_page(tenant)
        assert send_billing_reminders() == 0


def test_a_free_tenant_never_expires(tenant):
    owner = make_owner()
    switch_on(owner)
    set_billing_mode(tenant, mode=BillingMode.FREE, actor=owner)
    with time_machine.travel(timezone.now() + timedelta(days=400), tick=False):
        assert status_of(tenant).state == BillingState.ACTIVE
        assert tenant_may_host(tenant)
        assert SUSPENDED_NOTICE not in home_page(tenant)
    with scope(tenant=tenant):
        billing = TenantBilling.objects.get(tenant=tenant)
    assert ModelLogEntry.objects.filter(
        action="lyceum.tenant_billing.mode", object_id=str(billing.pk)
    ).exists()


def test_expiry_grace_suspension_and_paying_again(tenant, admin_user, api_for, verified):
    owner = make_owner()
    plan = make_plan()
    switch_on(owner)
    host, room = make_room_host(tenant)
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        first = mark_paid_manually(tenant=tenant, plan=plan, actor=owner, note="Invoice 1")
    expiry = first.period_end
    assert expiry == start + timedelta(days=30)

    with time_machine.travel(expiry + timedelta(days=1), tick=False):
        assert status_of(tenant).in_grace
        assert tenant_may_host(tenant)
        assert SUSPENDED_NOTICE not in home_page(tenant)

    with time_machine.travel(expiry + timedelta(days=3, hours=1), tick=False):
        assert status_of(tenant).suspended
        assert not tenant_may_host(tenant)
        assert SUSPENDED_NOTICE in home_page(tenant)
        refused = api_for(tenant, host).post(f"/api/v1/rooms/{room.public_id}/join/", {}, format="json")
        assert refused.status_code >= 400 and refused.json()["error"]["code"] == "site_suspended"
        with scope(tenant=tenant):
            assert Room.objects.filter(pk=room.pk).exists()  # data kept

        admin = logged_in(tenant, admin_user)
        billing_page = admin.get("/cms/billing/").content.decode()
        assert "Suspended" in billing_page and "Invoice 1" in billing_page
        paid_at = timezone.now()
        returned = pay_with_test_card(admin, plan)
        assert "the subscription is extended" in returned

        status = status_of(tenant)
        assert status.state == BillingState.ACTIVE
        assert status.expires_at == paid_at + timedelta(days=30)  # a lapsed period restarts now
        assert tenant_may_host(tenant)
        assert SUSPENDED_NOTICE not in home_page(tenant)

    with scope(tenant=tenant):
        history = list(TenantSubscription.objects.filter(tenant=tenant).order_by("period_start"))
        payment = Payment.objects.get(purpose=PaymentPurpose.TENANT_SUBSCRIPTION)
        entries = list(Entry.objects.filter(kind=EntryKind.TENANT_SUBSCRIPTION))
    assert [(row.source, row.status) for row in history] == [
        (SubscriptionSource.MANUAL, TenantSubscriptionStatus.PAID),
        (SubscriptionSource.GATEWAY, TenantSubscriptionStatus.PAID),
    ]
    assert history[1].payment == payment and payment.status == PaymentStatus.SUCCEEDED
    assert history[1].amount == Money("30.00", USD)
    # The platform's revenue got the money, not anybody's wallet; the manual period moved none.
    assert len(entries) == 1
    assert ledger.platform_account(tenant, AccountKind.REVENUE, USD).balance == Money("30.00", USD)
    assert ledger.platform_account(tenant, AccountKind.GATEWAY_CLEARING, USD).balance == Money("-30.00", USD)
    assert balance(tenant, admin_user) == Money("0", USD)
    out = io.StringIO()
    call_command("ledger_verify", stdout=out)
    assert "Ledger verified" in out.getvalue()
    # A wallet's payment list shows recharges only.
    listed = api_for(tenant, admin_user).get("/api/v1/wallet/payments/").json()
    assert listed["count"] == 0


def subjects(messages) -> list[str]:
    return [message["Subject"] for message in messages]


def test_reminders_go_out_once_per_threshold(tenant, admin_user, outbox):
    owner = make_owner()
    plan = make_plan()
    switch_on(owner)
    make_member(tenant, Role.EDITOR, handle="editor", email="editor@example.com")
    expiry = mark_paid_manually(tenant=tenant, plan=plan, actor=owner).period_end
    sent: list[int] = []
    for days_before in (10, 7, 3, 1):
        with time_machine.travel(expiry - timedelta(days=days_before) + timedelta(minutes=5), tick=False):
            sent.append(send_billing_reminders())
            sent.append(send_billing_reminders())  # a second run sends nothing new
    assert sent == [0, 0, 1, 0, 1, 0, 1, 0]
    with time_machine.travel(expiry + timedelta(days=3, minutes=5), tick=False):
        tenant_billing_reminders_job.fn()
        tenant_billing_reminders_job.fn()

    messages = outbox()
    assert [message["To"] for message in messages] == ["boss@example.com"] * 4
    expected_date = f"{timezone.localtime(expiry):%-d %B %Y}"
    assert (
        subjects(messages)[:3]
        == [f"[Alpha Academy] Your Standard subscription for Alpha Academy ends on {expected_date}"] * 3
    )
    bodies = [message.get_body(("plain",)).get_content() for message in messages]
    assert "(7 days from now)" in bodies[0] and "(1 days from now)" in bodies[2]
    assert "alpha.localhost/cms/billing/" in bodies[0]
    assert "is suspended until its subscription is paid" in subjects(messages)[3]
    with scope(tenant=tenant):
        assert sorted(BillingReminder.objects.values_list("kind", "days_before")) == [
            ("before_expiry", 1),
            ("before_expiry", 3),
            ("before_expiry", 7),
            ("suspended", 0),
        ]


def test_placeholder_formatting_is_safe():
    values = {"tenant": "Alpha {plan}", "plan": "Standard"}
    assert fill_placeholders("{tenant} / {plan}", values) == "Alpha {plan} / Standard"
    assert fill_placeholders("{missing} {plan.__class__} {plan[0]} {plan:>20} {{plan}}", values) == (
        "{missing} {plan.__class__} {plan[0]} {plan:>20} {Standard}"
    )
    assert fill_placeholders("no placeholders", values) == "no placeholders"


def test_a_tenant_admin_sees_only_their_own_billing(tenant, other_tenant, admin_user):
    owner = make_owner()
    plan = make_plan()
    switch_on(owner)
    mark_paid_manually(tenant=other_tenant, plan=plan, actor=owner, note="Beta bank transfer")
    mark_paid_manually(tenant=tenant, plan=plan, actor=owner, note="Alpha bank transfer")
    page = logged_in(tenant, admin_user).get("/cms/billing/")
    assert page.status_code == 200
    assert "Alpha bank transfer" in page.content.decode()
    assert "Beta bank transfer" not in page.content.decode()
    assert logged_in(other_tenant, admin_user).get("/cms/billing/").status_code == 403
    editor = make_member(tenant, Role.EDITOR, handle="editor", email="editor@example.com")
    assert logged_in(tenant, editor).get("/cms/billing/").status_code in (302, 403)
    # Paying on another tenant's site is impossible too.
    started = logged_in(other_tenant, admin_user).post("/cms/billing/", {"plan": plan.pk, "gateway": "test"})
    assert started.status_code == 403
    with scopes_disabled():
        assert not Payment.objects.exists()


def test_only_the_owner_edits_plans_settings_and_billing(tenant, admin_user):
    owner = make_owner()
    plan = make_plan()
    admin = logged_in(tenant, admin_user)
    for url in (
        "/cms/tenant_plans/",
        f"/cms/tenant_plans/edit/{plan.pk}/",
        "/cms/tenant_billing_owner/",
        "/cms/tenant_subscriptions/",
        "/cms/billing/settings/",
    ):
        assert admin.get(url).status_code in (302, 403), url
    admin.post("/cms/billing/settings/", {"subscriptions_enabled": "on", "grace_days": "1"})
    admin.post(f"/cms/tenant_plans/edit/{plan.pk}/", {"name": "Cheap", "price_0": "1", "price_1": USD})
    assert not BillingSettings.objects.exists()
    plan.refresh_from_db()
    assert plan.name == "Standard"

    client = logged_in(tenant, owner)
    assert client.get("/cms/tenant_plans/").status_code == 200
    created = client.post(
        "/cms/tenant_plans/new/",
        {
            "name": "Yearly",
            "slug": "yearly",
            "price_0": "300.00",
            "price_1": USD,
            "period_length": "12",
            "period_unit": "months",
            "max_moderators": "50",
            "max_rooms": "100",
            "storage_gb": "200",
            "is_active": "on",
            "sort_order": "2",
        },
    )
    assert created.status_code == 302, created.content.decode()[-2000:]
    assert TenantPlan.objects.get(slug="yearly").price == Money("300.00", USD)

    saved = client.post(
        "/cms/billing/settings/",
        {
            "subscriptions_enabled": "on",
            "grace_days": "5",
            "reminder_days": "14, 2",
            "reminder_subject": "Renew {plan}",
            "reminder_body": "Pay at {pay_url}",
        },
    )
    assert saved.status_code == 302
    settings = BillingSettings.objects.get()
    assert settings.subscriptions_enabled and settings.reminder_thresholds == [14, 2]
    assert settings.enabled_since is not None
    assert ModelLogEntry.objects.filter(action="lyceum.tenant_billing.settings").exists()
    bad = client.post("/cms/billing/settings/", {"grace_days": "5", "reminder_days": "soon"})
    assert bad.status_code == 200 and "separated by commas" in bad.content.decode()

    with scope(tenant=tenant):
        billing = TenantBilling.objects.get(tenant=tenant)
    assert client.get("/cms/tenant_billing_owner/").status_code == 200
    marked = client.post(
        f"/cms/tenant_billing_owner/mark-paid/{billing.pk}/", {"plan": plan.pk, "note": "Wire 7781"}
    )
    assert marked.status_code == 302
    with scope(tenant=tenant):
        manual = TenantSubscription.objects.get()
        assert not Entry.objects.exists()
    assert manual.source == SubscriptionSource.MANUAL and manual.actor == owner
    assert ModelLogEntry.objects.filter(action="lyceum.tenant_billing.marked_paid").exists()
    inspect = client.get(f"/cms/tenant_billing_owner/inspect/{billing.pk}/").content.decode()
    assert "Wire 7781" in inspect
    edited = client.post(f"/cms/tenant_billing_owner/edit/{billing.pk}/", {"mode": "free"})
    assert edited.status_code == 302
    billing.refresh_from_db()
    assert billing.mode == BillingMode.FREE
    assert client.get("/cms/tenant_subscriptions/").status_code == 200


def test_the_owners_forms_render(tenant):
    owner = make_owner()
    make_plan()  # offered on the mark-paid form
    client = logged_in(tenant, owner)
    assert "Subscriptions enabled" in client.get("/cms/billing/settings/").content.decode()
    with scope(tenant=tenant):
        billing = TenantBilling.objects.get(tenant=tenant)
    page = client.get(f"/cms/tenant_billing_owner/mark-paid/{billing.pk}/")
    assert page.status_code == 200 and "Standard" in page.content.decode()
