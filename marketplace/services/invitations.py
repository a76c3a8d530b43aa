"""Inviting people to a site with a role, from the back office.

The person is named by @handle or by email. An email matches an account only once that account
has confirmed the address (as private-room invitations do), so nobody gains a role by signing up
with someone else's address. An address without such an account gets a stored invitation and an
email asking them to sign up with it; the role is theirs as soon as they confirm the address
(through the confirmation link, or at once when Google vouches for it), on whichever account.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from marketplace.exceptions import MarketplaceError
from marketplace.models import MemberInvitation, Membership, Tenant, User
from marketplace.notifications import notify
from marketplace.roles import STAFF_ROLES, Role
from marketplace.selectors import is_tenant_admin
from marketplace.services.access_lists import resolve_person
from marketplace.services.audit import audit
from marketplace.services.memberships import ensure_role, grant_role

logger = logging.getLogger(__name__)


class InvitationRefused(MarketplaceError):
    code = "invitation_refused"
    status = 409
    field = "person"


class InvitationClosed(MarketplaceError):
    code = "invitation_closed"
    status = 409


@transaction.atomic
def invite_member(
    tenant: Tenant, *, person: str, role: Role | str, actor: User
) -> Membership | MemberInvitation:
    """Give an account the role and tell them; an address with no confirmed account gets an
    invitation instead (inviting it again extends and re-sends the open one)."""
    role = Role(role)
    user, email = resolve_person(person)
    if user is None:
        return _invite_address(tenant, email=email, role=role, actor=actor)
    if not user.is_active:
        raise InvitationRefused(f"{user.handle}'s account is deactivated.")
    membership = grant_role(user, tenant, role, actor=actor)
    with scope(tenant=tenant):
        anchor = Membership.objects.get(tenant=tenant, user=user, role=Role.ATTENDEE)
    # The attendee row stands for the member in the back office: its history shows the invitation.
    audit(anchor, "lyceum.member.invite", actor=actor, role=role.value)
    notify(
        "member_invitation",
        tenant=tenant,
        user=user,
        role=role.label.lower(),
        inviter=actor.get_short_name(),
        back_office=role in STAFF_ROLES,
        has_account=True,
    )
    return membership


def _invite_address(tenant: Tenant, *, email: str, role: Role, actor: User) -> MemberInvitation:
    now = timezone.now()
    expires = now + timedelta(days=settings.MEMBER_INVITATION_DAYS)
    with scope(tenant=tenant):
        invitation = (
            MemberInvitation.objects.select_for_update()
            .filter(tenant=tenant, email=email, role=role, accepted_at=None, canceled_at=None)
            .first()
        )
        if invitation is None:
            invitation = MemberInvitation.objects.create(
                tenant=tenant, email=email, role=role, invited_by=actor, created_at=now, expires_at=expires
            )
            audit(invitation, "lyceum.member.invite", actor=actor, role=role.value, email=email)
        else:
            invitation.invited_by, invitation.expires_at = actor, expires
            invitation.save(update_fields=["invited_by", "expires_at"])
            audit(invitation, "lyceum.member.reinvite", actor=actor, role=role.value, email=email)
    notify(
        "member_invitation",
        tenant=tenant,
        email=email,
        role=role.label.lower(),
        inviter=actor.get_short_name(),
        back_office=role in STAFF_ROLES,
        has_account=False,
        email_address=email,
        expires=expires.date().isoformat(),
    )
    return invitation


def cancel_invitation(invitation: MemberInvitation, *, actor: User) -> MemberInvitation:
    with scope(tenant=invitation.tenant), transaction.atomic():
        invitation = MemberInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.state != "open":
            raise InvitationClosed(f"This invitation is already {invitation.state}.")
        invitation.canceled_at = timezone.now()
        invitation.save(update_fields=["canceled_at"])
        audit(invitation, "lyceum.member.invitation_cancel", actor=actor)
    return invitation


def claim_member_invitations(user: User, email: str) -> int:
    """The address is now confirmed on this account: open invitations to it (on every site) grant
    their roles. Expired ones stay as they are (the site can invite again); one whose inviter is no
    longer an admin of the site is void, so a removed admin cannot come back through an invitation
    they sent before. A role already held is simply kept. One invitation's trouble never stops the
    others, nor the confirmation itself."""
    now = timezone.now()
    claimed = 0
    if not user.is_active:
        return 0
    with scopes_disabled():
        open_ones = list(
            MemberInvitation.objects.filter(
                email=email.lower(), accepted_at=None, canceled_at=None, expires_at__gt=now
            ).values_list("pk", flat=True)
        )
    for pk in open_ones:
        try:
            claimed += _claim(pk, user, now)
        except MarketplaceError:
            logger.exception("Invitation %s could not be claimed by user %s.", pk, user.pk)
    return claimed


def _claim(pk: int, user: User, now: datetime) -> int:
    with scopes_disabled(), transaction.atomic():
        invitation = (
            MemberInvitation.objects.select_for_update(of=("self",))
            .select_related("tenant", "invited_by")
            .filter(pk=pk, accepted_at=None, canceled_at=None)
            .first()
        )
        if invitation is None:  # claimed or canceled meanwhile
            return 0
        inviter = invitation.invited_by
        if inviter is None or not inviter.is_active or not is_tenant_admin(inviter, invitation.tenant):
            invitation.canceled_at = now
            invitation.save(update_fields=["canceled_at"])
            audit(invitation, "lyceum.member.invitation_cancel", actor=None, reason="inviter_not_admin")
            return 0
        ensure_role(user, invitation.tenant, invitation.role, actor=inviter)
        invitation.accepted_at, invitation.accepted_by = now, user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit(invitation, "lyceum.member.invitation_accept", actor=user)
    return 1
