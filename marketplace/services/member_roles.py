"""A site admin changes a member's roles or removes them from the site; the platform owner may also
deactivate an account everywhere.

Roles change through the membership services, which keep the last admin of a site in place. The
member's attendee row stands for them in the back office, so its history shows these changes.
"""

from __future__ import annotations

from django.db import transaction
from django_scopes import scope

from marketplace.exceptions import MarketplaceError
from marketplace.models import Membership, Tenant, User
from marketplace.roles import Role
from marketplace.selectors import is_tenant_admin, roles_of
from marketplace.services.audit import audit
from marketplace.services.memberships import grant_role, revoke_membership


class MemberAdminError(MarketplaceError):
    code = "member_admin"
    status = 409


class NotAllowed(MarketplaceError):
    code = "not_allowed"
    status = 403


def _ensure_admin(actor: User, tenant: Tenant) -> None:
    if not is_tenant_admin(actor, tenant):
        raise NotAllowed(f"Only {tenant.name}'s admins can manage its members.")


def _anchor(user: User, tenant: Tenant) -> Membership:
    with scope(tenant=tenant):
        anchor = Membership.objects.filter(tenant=tenant, user=user, role=Role.ATTENDEE).first()
    if anchor is None:
        raise MemberAdminError(f"{user.handle} is not a member of {tenant.name}.")
    return anchor


@transaction.atomic
def set_roles(user: User, tenant: Tenant, roles: set[str], *, actor: User) -> tuple[list[str], list[str]]:
    """Grant and revoke so the member holds exactly `roles` (plus attendee); all or nothing."""
    _ensure_admin(actor, tenant)
    anchor = _anchor(user, tenant)
    held = set(roles_of(user, tenant)) - {Role.ATTENDEE}
    wanted = {Role(role).value for role in roles} - {Role.ATTENDEE}
    added, removed = sorted(wanted - held), sorted(held - wanted)
    for role in added:  # grants first, so handing the admin role over never leaves a site without one
        grant_role(user, tenant, role, actor=actor)
    with scope(tenant=tenant):
        doomed = list(Membership.objects.filter(tenant=tenant, user=user, role__in=removed))
    for membership in doomed:
        revoke_membership(membership, actor=actor)
    if added or removed:
        audit(anchor, "lyceum.member.roles", actor=actor, added=added, removed=removed)
    return added, removed


def remove_member(user: User, tenant: Tenant, *, actor: User) -> None:
    """Take every role the user holds on the site (the site's last admin stays)."""
    _ensure_admin(actor, tenant)
    if user.pk == actor.pk:
        raise MemberAdminError("You cannot remove yourself: ask another admin.")
    revoke_membership(_anchor(user, tenant), actor=actor)


def deactivate_account(user: User, *, actor: User) -> User:
    """The platform owner blocks an account on every site: it can no longer sign in or use tokens."""
    if not actor.is_superuser:
        raise NotAllowed("Only the platform owner can deactivate accounts.")
    if user.pk == actor.pk:
        raise MemberAdminError("You cannot deactivate your own account.")
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit(user, "lyceum.user.deactivate", actor=actor)
    return user
