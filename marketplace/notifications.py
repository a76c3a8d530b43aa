"""Emails to users, branded with the tenant's name, queued through dramatiq after the change commits.

Each notification is a template pair under site/templates/email/: `<name>.subject.txt` and
`<name>.txt` (the plain-text body); the HTML part is the text laid out in the branded
`email/layout.html` unless a `<name>.html` exists. Both get the site's `branding` (logo, colours,
sender name), `wording` and the `LANGUAGE_CODE` they are written in; the sender shows the
branding's sender name. The context is prepared when the event happens (plain strings, so the
message survives the queue) and rendered in the recipient's language by the worker. The back
office previews every email with `render_email` too (cms.email_previews).
"""

from __future__ import annotations

import logging
from email.utils import formataddr, parseaddr
from typing import Any

import dramatiq
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

from cms.branding.context import Branding, branding_for_tenant
from marketplace.models import Tenant, User

logger = logging.getLogger(__name__)


def sender_for(tenant: Tenant, branding: Branding | None = None) -> str:
    """The platform's sending address under the tenant's sender name (its site name by default)."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    branding = branding or branding_for_tenant(tenant)
    return formataddr((branding.email_sender_name, address))


def _plain(name: str, context: dict[str, Any]) -> str:
    """Plain text is not HTML: render without autoescaping (the HTML part escapes it)."""
    return get_template(name).template.render(Context(context, autoescape=False))


def message_context(context: dict[str, Any], user: User | None = None) -> dict[str, Any]:
    """The context as it travels through the queue: the recipient's short name, then plain values
    (strings, booleans, integers, None)."""
    context = {"name": user.get_short_name() if user is not None else "", **context}
    return {
        key: value if isinstance(value, (bool, int)) or value is None else str(value)
        for key, value in context.items()
    }


def render_email(
    template: str, tenant: Tenant, context: dict[str, Any], language: str = ""
) -> EmailMultiAlternatives:
    """The message (without recipients) as it is sent; the back office's previews show the same."""
    branding = branding_for_tenant(tenant)
    language = language or settings.LANGUAGE_CODE
    full = {
        "tenant_name": tenant.name,
        "site_url": tenant.root_url,
        "branding": branding,
        "wording": branding.wording,
        "LANGUAGE_CODE": language,
        **context,
    }
    with translation.override(language):
        subject = _plain(f"email/{template}.subject.txt", full).strip()
        text = _plain(f"email/{template}.txt", full)
        html = render_to_string([f"email/{template}.html", "email/layout.html"], {**full, "body": text})
    message = EmailMultiAlternatives(
        subject=f"[{tenant.name}] {' '.join(subject.split())}",
        body=text,
        from_email=sender_for(tenant, branding),
        to=[],
    )
    message.attach_alternative(html, "text/html")
    return message


@dramatiq.actor(max_retries=5, min_backoff=5_000)
def send_notification(template: str, tenant_id: int, to: str, language: str, context: dict[str, Any]) -> None:
    """Render and send one email; retried (with backoff) when the mail server is unavailable."""
    tenant = Tenant.objects.select_related("site").get(pk=tenant_id)
    message = render_email(template, tenant, context, language)
    message.to = [to]
    message.send()


def notify(
    template: str, *, tenant: Tenant, user: User | None = None, email: str = "", **context: Any
) -> None:
    """Queue an email to the user (or to a bare address) once the current transaction commits."""
    to = user.email if user is not None else email
    language = getattr(user, "language", "") or ""
    context = message_context(context, user)
    tenant_id = tenant.pk
    transaction.on_commit(lambda: send_notification.send(template, tenant_id, to, language, context))
