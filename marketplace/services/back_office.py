"""Entry to the Wagtail back office follows the admin and editor roles.

Wagtail checks one global permission to open /cms/ (the shared "Back office" group); which tenant's
data a user then sees is decided per request by the tenant middleware (staff of this host's tenant
only). What they may edit there (pages, images, documents, menus) comes from each tenant's own
editors group (cms.editor_access), so staff of one tenant never hold permissions on another's.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django_scopes import scopes_disabled

from cms.editor_access import sync_editor_groups
from marketplace.models import Membership, Tenant, User
from marketplace.roles import STAFF_ROLES

BACK_OFFICE_GROUP = "Back office"


def back_office_group() -> Group:
    group, created = Group.objects.get_or_create(name=BACK_OFFICE_GROUP)
    if created:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
    return group


def sync_back_office_access(user: User) -> None:
    with scopes_disabled():
        staff_of = Membership.objects.filter(user=user, role__in=STAFF_ROLES).values("tenant_id")
        tenants = list(Tenant.objects.filter(pk__in=staff_of).select_related("site"))
    group = back_office_group()
    if tenants:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    sync_editor_groups(user, tenants)
