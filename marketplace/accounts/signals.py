"""Signing up or logging in on a tenant's site makes you its attendee."""

from __future__ import annotations

from contextlib import suppress

from allauth.account.signals import user_logged_in, user_signed_up
from django.dispatch import receiver

from marketplace.exceptions import RegistrationClosed
from marketplace.services.memberships import join_as_attendee


@receiver(user_signed_up)
def join_tenant_on_signup(sender, request, user, **kwargs) -> None:
    tenant = getattr(request, "tenant", None)
    if tenant is not None:
        join_as_attendee(user, tenant, actor=user)


@receiver(user_logged_in)
def join_tenant_on_login(sender, request, user, **kwargs) -> None:
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return
    # On an invitation-only site the dashboard explains why there is no membership.
    with suppress(RegistrationClosed):
        join_as_attendee(user, tenant, actor=user)
