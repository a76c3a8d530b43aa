"""Billing reminders: late runs, the owner's own title and body, the daily schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from payments.services.tenant_billing import (
    mark_paid_manually,
    update_billing_settings,
)
from payments.services.tenant_billing_reminders import send_billing_reminders
from tests.payments.tenant_billing_setup import (
    make_owner,
    make_plan,
    switch_on,
)

pytestmark = pytest.mark.django_db


def test_a_late_run_sends_only_the_nearest_reminder(tenant, admin_user, outbox):
    owner = make_owner()
    plan = make_plan()
    switch_on(owner)
    expiry = mark_paid_manually(tenant=tenant, plan=plan, actor=owner).period_end
    with time_machine.travel(expiry - timedelta(days=2), tick=False):
        assert send_billing_reminders() == 1
    with time_machine.travel(expiry - timedelta(hours=12), tick=False):
        assert send_billing_reminders() == 1
    assert len(outbox()) == 2


def test_the_owners_title_and_body_are_used(tenant, admin_user, outbox):
    owner = make_owner()
    plan = make_plan()
    switch_on(owner)
    update_billing_settings(
        actor=owner,
        reminder_subject="{tenant}: {days_left} days left on {plan} {unknown}",
        reminder_body="Dear {name}, pay {price} at {pay_url}. {tenant.__class__} {0} {plan!r}",
    )
    expiry = mark_paid_manually(tenant=tenant, plan=plan, actor=owner).period_end
    with time_machine.travel(expiry - timedelta(days=3), tick=False):
        send_billing_reminders()
    (message,) = outbox()
    assert message["Subject"] == "[Alpha Academy] Alpha Academy: 3 days left on Standard {unknown}"
    body = message.get_body(("plain",)).get_content()
    assert f"Dear {admin_user.get_short_name()}, pay $30.00 at http://alpha.localhost" in body
    assert "/cms/billing/. {tenant.__class__} {0} {plan!r}" in body


def test_the_reminders_job_runs_daily():
    from dramatiq_crontab import scheduler

    from config.background import load_task_modules

    load_task_modules()
    trigger = str({job.name: job for job in scheduler.get_jobs()}["tenant_billing_reminders_job"].trigger)
    assert "hour='6'" in trigger and "minute='0'" in trigger
