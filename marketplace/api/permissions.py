"""Role checks against the tenant of the request."""

from __future__ import annotations

from rest_framework import permissions

from marketplace.selectors import is_member, is_tenant_admin


class IsTenantMember(permissions.IsAuthenticated):
    message = "You are not a member of this site."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.user.is_superuser or is_member(request.user, request.tenant)


class IsTenantAdminOrReadOnly(IsTenantMember):
    message = "Only this site's admins can change its members."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in permissions.SAFE_METHODS or is_tenant_admin(request.user, request.tenant)


class IsTenantAdmin(IsTenantMember):
    message = "Only this site's admins can do this."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and is_tenant_admin(request.user, request.tenant)
