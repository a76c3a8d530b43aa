"""Billing emails to tenant admins: reminders before a period ends, and a notice when suspended.

Run daily by `payments.tasks.tenant_billing_reminders_job`. Each configured threshold (days
before expiry) sends at most once per period, recorded in `BillingReminder`; a run that comes
late sends only the nearest threshold that is due, and running again sends nothing new. The
owner's title and body are filled with `fill_placeholders`: only `{name}` fields it knows are
replaced; anything else (unknown names, attribute or index access, format specs) stays as written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_scopes import scope

from marketplace.models import Tenant, User
from marketplace.notifications import notify
from marketplace.services.audit import audit
from payments.models import BillingReminder, BillingSettings, ReminderKind, TenantBilling
from payments.tenant_billing_selectors import (
    BillingState,
    BillingStatus,
    billing_settings,
    paid_mode_billing,
    plans_for_sale,
    status_of,
    tenant_admins,
)

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill_placeholders(template: str, values: Mapping[str, str]) -> str:
    """Replace `{known}` with its value; leave every other brace expression untouched."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)


def pay_url(tenant: Tenant) -> str:
    return tenant.root_url + reverse("tenant_billing")


def placeholder_values(
    tenant: Tenant, billing: TenantBilling, status: BillingStatus, *, now: datetime
) -> dict[str, str]:
    plan = billing.plan or plans_for_sale().first()
    expires_at = status.expires_at or now
    days_left = max(0, math.ceil((expires_at - now).total_seconds() / 86400))
    return {
        "tenant": tenant.name,
        "plan": plan.name if plan is not None else "site",
        "price": str(plan.price) if plan is not None else "",
        "expires_on": date_format(timezone.localtime(expires_at), "j F Y"),
        "days_left": str(days_left),
        "grace_days": str(status.grace_days),
        "pay_url": pay_url(tenant),
    }


def reminder_context(settings: BillingSettings, values: Mapping[str, str], admin: User) -> dict[str, str]:
    """The reminder's title and body for one admin: the owner's text with the placeholders filled."""
    personal = {**values, "name": admin.get_short_name()}
    return {
        "subject": fill_placeholders(settings.reminder_subject, personal),
        "body": fill_placeholders(settings.reminder_body, personal),
    }


def suspended_context(values: Mapping[str, str]) -> dict[str, str]:
    """The suspension notice's values (its template has the site's name as `tenant_name`)."""
    return {key: value for key, value in values.items() if key != "tenant"}


def _record_once(tenant: Tenant, kind: str, period_end: datetime, days_before: int) -> BillingReminder | None:
    """The reminder row if this call is the first to claim it; None if it was sent already."""
    try:
        with transaction.atomic():
            return BillingReminder.objects.create(
                tenant=tenant, kind=kind, period_end=period_end, days_before=days_before
            )
    except IntegrityError:
        return None


def _remind_before_expiry(
    billing: TenantBilling, status: BillingStatus, settings: BillingSettings, now: datetime
) -> int:
    tenant = billing.tenant
    left = status.expires_at - now
    due = [days for days in settings.reminder_thresholds if left <= timedelta(days=days)]
    if not due:
        return 0
    nearest = min(due)
    with scope(tenant=tenant), transaction.atomic():
        already = BillingReminder.objects.filter(
            tenant=tenant,
            kind=ReminderKind.BEFORE_EXPIRY,
            period_end=status.expires_at,
            days_before__lte=nearest,
        ).exists()
        if already:
            return 0
        record = _record_once(tenant, ReminderKind.BEFORE_EXPIRY, status.expires_at, nearest)
        if record is None:
            return 0
        values = placeholder_values(tenant, billing, status, now=now)
        admins = tenant_admins(tenant)
        for admin in admins:
            notify(
                "tenant_billing_reminder",
                tenant=tenant,
                user=admin,
                **reminder_context(settings, values, admin),
            )
        record.recipients = len(admins)
        record.save(update_fields=["recipients"])
        audit(
            billing, "lyceum.tenant_billing.reminder", actor=None, days_before=nearest, recipients=len(admins)
        )
    return len(admins)


def _notify_suspended(billing: TenantBilling, status: BillingStatus, now: datetime) -> int:
    tenant = billing.tenant
    with scope(tenant=tenant), transaction.atomic():
        record = _record_once(tenant, ReminderKind.SUSPENDED, status.expires_at, 0)
        if record is None:
            return 0
        values = suspended_context(placeholder_values(tenant, billing, status, now=now))
        admins = tenant_admins(tenant)
        for admin in admins:
            notify("tenant_billing_suspended", tenant=tenant, user=admin, **values)
        record.recipients = len(admins)
        record.save(update_fields=["recipients"])
        audit(billing, "lyceum.tenant_billing.suspended", actor=None, recipients=len(admins))
    return len(admins)


def send_billing_reminders(now: datetime | None = None) -> int:
    """Queue the reminders and suspension notices due now; returns how many emails were queued."""
    settings = billing_settings()
    if not settings.subscriptions_enabled:
        return 0
    now = now or timezone.now()
    queued = 0
    for billing in paid_mode_billing():
        status = status_of(billing.tenant, now=now, settings=settings, billing=billing)
        if status.state == BillingState.ACTIVE and status.expires_at is not None:
            queued += _remind_before_expiry(billing, status, settings, now)
        elif status.state == BillingState.SUSPENDED:
            queued += _notify_suspended(billing, status, now)
    return queued
