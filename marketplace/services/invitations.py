"""Inviting people to a site with a role, from the back office.

The person is named by @handle or by email, and an email matches an account only once that account
has confirmed the address (as private-room invitations do), so nobody gains a role by signing up
with someone else's address. Only people who already have an account can be invited: keeping a
role for an address until its owner signs up needs a stored invitation per site, email and role,
which the data model does not have yet.
"""

from __future__ import annotations

from django.db import transaction
from django_scopes import scope

from marketplace.exceptions import MarketplaceError
from marketplace.models import Membership, Tenant, User
from marketplace.notifications import notify
from marketplace.roles import STAFF_ROLES, Role
from marketplace.services.access_lists import resolve_person
from marketplace.services.audit import audit
from marketplace.services.memberships import grant_role


class NoAccountYet(MarketplaceError):
    code = "no_account"
    status = 409
    field = "person"


def _refusal_for(email: str, tenant: Tenant) -> NoAccountYet:
    if User.objects.filter(email__iexact=email).exists():
        return NoAccountYet(
            f"The account of {email} has not confirmed its address yet: ask them to confirm it "
            "(or give their @handle), then invite them again."
        )
    return NoAccountYet(
        f"Nobody has an account with {email} yet: ask them to sign up on {tenant.name} first, "
        "then invite them again."
    )


@transaction.atomic
def invite_member(tenant: Tenant, *, person: str, role: Role | str, actor: User) -> Membership:
    """Give an existing account the role on the site and tell them by email."""
    role = Role(role)
    user, email = resolve_person(person)
    if user is None:
        raise _refusal_for(email, tenant)
    if not user.is_active:
        raise NoAccountYet(f"{user.handle}'s account is deactivated.")
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
    )
    return membership
