"""Entry to the Wagtail back office follows the admin and editor roles.

Wagtail checks one global permission to open /cms/; which tenant's data a user then sees is
decided per request by the tenant middleware (staff of this host's tenant only).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django_scopes import scopes_disabled

from marketplace.models import Membership, User
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
        is_staff_somewhere = Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists()
    group = back_office_group()
    if is_staff_somewhere:
        user.groups.add(group)
    else:
        user.groups.remove(group)
