"""Back-office permissions by role on the request's tenant (Wagtail permission policies).

Wagtail asks a policy about a user only; the tenant comes from the scope the tenant middleware
entered for the request. The platform owner (superuser) may do everything.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_scopes import get_scope, scopes_disabled
from wagtail.permission_policies.base import BasePermissionPolicy

from marketplace.models import Membership
from marketplace.selectors import roles_of


def current_tenant():
    tenant = get_scope().get("tenant")
    return tenant if getattr(tenant, "pk", None) else None


class TenantRolePermissionPolicy(BasePermissionPolicy):
    def __init__(self, model, *, roles: frozenset[str]) -> None:
        super().__init__(model)
        self.roles = roles

    def user_has_permission(self, user, action) -> bool:
        if not (user.is_authenticated and user.is_active):
            return False
        if user.is_superuser:
            return True
        tenant = current_tenant()
        return tenant is not None and bool(self.roles & roles_of(user, tenant))

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        tenant = current_tenant()
        with scopes_disabled():
            staff = Membership.objects.filter(role__in=self.roles)
            if tenant is not None:
                staff = staff.filter(tenant=tenant)
            ids = list(staff.values_list("user_id", flat=True))
        return users.filter(is_superuser=True) | users.filter(pk__in=ids)
