"""Signing up or logging in on a tenant's site makes you its attendee."""

from __future__ import annotations

from contextlib import suppress

from allauth.account.signals import email_confirmed, user_logged_in, user_signed_up
from django.dispatch import receiver

from marketplace.exceptions import RegistrationClosed
from marketplace.services.memberships import join_as_attendee


@receiver(user_signed_up)
def join_tenant_on_signup(sender, request, user, **kwargs) -> None:
    tenant = getattr(request, "tenant", None)
    if tenant is not None:
        join_as_attendee(user, tenant, actor=user)
    # Social sign-ups arrive with confirmed addresses: their invitations apply at once.
    from allauth.account.models import EmailAddress

    from marketplace.services.access_lists import claim_invitations
    from marketplace.services.invitations import claim_member_invitations

    for address in EmailAddress.objects.filter(user=user, verified=True):
        claim_invitations(user, address.email)
        claim_member_invitations(user, address.email)


@receiver(user_logged_in)
def join_tenant_on_login(sender, request, user, **kwargs) -> None:
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return
    # On an invitation-only site the dashboard explains why there is no membership.
    with suppress(RegistrationClosed):
        join_as_attendee(user, tenant, actor=user)


@receiver(email_confirmed)
def claim_room_invitations(sender, request, email_address, **kwargs) -> None:
    """Invitations sent to this address (private rooms, roles on sites) now belong to its
    confirmed owner."""
    from marketplace.services.access_lists import claim_invitations
    from marketplace.services.invitations import claim_member_invitations

    claim_invitations(email_address.user, email_address.email)
    claim_member_invitations(email_address.user, email_address.email)
