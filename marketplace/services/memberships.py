"""Joining tenants and managing the roles members hold."""

from __future__ import annotations

from django.db import transaction
from django_scopes import scope

from marketplace.exceptions import LastAdminRole, RegistrationClosed, RoleAlreadyHeld
from marketplace.models import Membership, Tenant, User
from marketplace.roles import Role
from marketplace.services.audit import audit
from marketplace.services.back_office import sync_back_office_access


def join_as_attendee(user: User, tenant: Tenant, *, actor: User | None = None) -> Membership:
    """Everyone signed up on a tenant's site is its attendee (idempotent)."""
    with scope(tenant=tenant):
        existing = Membership.objects.filter(tenant=tenant, user=user, role=Role.ATTENDEE).first()
        if existing:
            return existing
        if not tenant.registration_open and not Membership.objects.filter(tenant=tenant, user=user).exists():
            raise RegistrationClosed(f"{tenant.name} is not open for sign-up.")
        membership, created = Membership.objects.get_or_create(tenant=tenant, user=user, role=Role.ATTENDEE)
    if created:
        audit(membership, "wagtail.create", actor=actor or user, role=Role.ATTENDEE)
    return membership


@transaction.atomic
def grant_role(user: User, tenant: Tenant, role: Role | str, *, actor: User | None) -> Membership:
    role = Role(role)
    with scope(tenant=tenant):
        if Membership.objects.filter(tenant=tenant, user=user, role=role).exists():
            raise RoleAlreadyHeld(f"{user.handle} is already {role.label.lower()} here.")
        if role != Role.ATTENDEE:
            Membership.objects.get_or_create(tenant=tenant, user=user, role=Role.ATTENDEE)
        membership = Membership.objects.create(tenant=tenant, user=user, role=role)
    sync_back_office_access(user)
    audit(membership, "wagtail.create", actor=actor, role=role.value)
    return membership


@transaction.atomic
def revoke_membership(membership: Membership, *, actor: User | None) -> None:
    """Remove one role; removing the attendee role removes the member from the tenant."""
    tenant = membership.tenant
    with scope(tenant=tenant):
        if membership.role == Role.ATTENDEE:
            doomed = list(Membership.objects.select_for_update().filter(tenant=tenant, user=membership.user))
        else:
            doomed = [membership]
        if any(m.role == Role.ADMIN for m in doomed):
            admins = Membership.objects.select_for_update().filter(tenant=tenant, role=Role.ADMIN)
            if admins.count() <= 1:
                raise LastAdminRole(
                    "A tenant keeps at least one admin: grant the role to someone else first."
                )
        for item in doomed:
            audit(item, "wagtail.delete", actor=actor, role=item.role)
            item.delete()
    sync_back_office_access(membership.user)


def ensure_role(user: User, tenant: Tenant, role: Role | str, *, actor: User | None) -> Membership:
    """Grant the role unless the user already holds it (idempotent)."""
    role = Role(role)
    with scope(tenant=tenant):
        existing = Membership.objects.filter(tenant=tenant, user=user, role=role).first()
    return existing or grant_role(user, tenant, role, actor=actor)
