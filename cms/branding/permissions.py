"""Who may edit a site's branding in the back office: admins and editors of that site's tenant.

Wagtail's settings URL carries a site id (/cms/settings/cms/brandingsettings/<site id>/), and its
default policy would let anyone holding the global change permission open every site. Here the
answer is tied to the tenant of the request's host (the scope the tenant middleware entered): a
member of tenant A is refused B's site id, and the site switcher only ever lists A's site.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from wagtail.models import Site

from marketplace.permission_policies import TenantRolePermissionPolicy, current_tenant
from marketplace.roles import STAFF_ROLES


class BrandingPermissionPolicy(TenantRolePermissionPolicy):
    def __init__(self, model) -> None:
        super().__init__(model, roles=STAFF_ROLES)

    @staticmethod
    def _site_id(instance) -> int | None:
        return instance.pk if isinstance(instance, Site) else getattr(instance, "site_id", None)

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        if not self.user_has_permission(user, action):
            return False
        if user.is_superuser:
            return True
        tenant = current_tenant()
        return tenant is not None and self._site_id(instance) == tenant.site_id

    def user_has_any_permission_for_instance(self, user, actions: Iterable[str], instance) -> bool:
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def sites_user_has_permission_for(self, user, action) -> QuerySet[Site]:
        return self.sites_user_has_any_permission_for(user, [action])

    def sites_user_has_any_permission_for(self, user, actions: Iterable[str]) -> QuerySet[Site]:
        if not self.user_has_any_permission(user, actions):
            return Site.objects.none()
        if user.is_superuser:
            return Site.objects.all()
        tenant = current_tenant()
        return Site.objects.filter(pk=tenant.site_id) if tenant is not None else Site.objects.none()

    def instances_user_has_any_permission_for(self, user, actions: Iterable[str]) -> QuerySet:
        return self.model._default_manager.filter(
            site__in=self.sites_user_has_any_permission_for(user, actions)
        )
