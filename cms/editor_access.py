"""What a tenant's editors and admins may do in Wagtail: their own pages, images, documents and menus.

Wagtail's page, collection and site permissions are global to a user, so each tenant gets its own
group holding permissions on its own home page subtree, its own collection and its own Site only.
The shared "Back office" group (marketplace.services.back_office) only opens /cms/.
Every function here is idempotent: tenants created before these groups existed get them on the next
`sync_tenant_sites`, `seed_demo` or membership change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
)

if TYPE_CHECKING:
    from marketplace.models import Tenant, User

GROUP_PREFIX = "Editors of "
# Add, edit and publish pages under the tenant's home; deleting stays with the platform owner.
PAGE_PERMISSIONS = (
    ("wagtailcore", "add_page"),
    ("wagtailcore", "change_page"),
    ("wagtailcore", "publish_page"),
)
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
SITE_PERMISSIONS = (("cms", "change_navigationsettings"),)


@dataclass(frozen=True)
class EditorAccess:
    group: Group
    collection: Collection


def editors_group_name(tenant: Tenant) -> str:
    # The slug never changes (the name may), so the group stays findable.
    return f"{GROUP_PREFIX}{tenant.slug}"


def _permissions(pairs: Iterable[tuple[str, str]]) -> list[Permission]:
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in pairs
    ]


def tenant_collection(tenant: Tenant) -> Collection | None:
    """The tenant's collection: the one its editors group holds permissions on."""
    return (
        Collection.objects.filter(group_permissions__group__name=editors_group_name(tenant))
        .order_by("path")
        .first()
    )


def _root_collection() -> Collection:
    root = Collection.get_first_root_node()
    return root if root is not None else Collection.add_root(name="Root")


@transaction.atomic
def ensure_editor_access(tenant: Tenant) -> EditorAccess:
    group, _ = Group.objects.get_or_create(name=editors_group_name(tenant))
    collection = Collection.objects.filter(group_permissions__group=group).order_by("path").first()
    if collection is None:
        root = _root_collection()
        # A group deleted by hand comes back to the collection that still holds the tenant's files.
        collection = root.get_children().filter(name=tenant.name).first() or root.add_child(name=tenant.name)
    site = tenant.site
    for permission in _permissions(PAGE_PERMISSIONS):
        GroupPagePermission.objects.get_or_create(group=group, page=site.root_page, permission=permission)
    for permission in _permissions(COLLECTION_PERMISSIONS):
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=permission
        )
    for permission in _permissions(SITE_PERMISSIONS):
        GroupSitePermission.objects.get_or_create(group=group, site=site, permission=permission)
    return EditorAccess(group, collection)


def sync_editor_groups(user: User, staff_tenants: Iterable[Tenant]) -> None:
    """Put the user in the editors group of each tenant they are staff of, and in no other."""
    from marketplace.models import Tenant

    wanted = {ensure_editor_access(tenant).group for tenant in staff_tenants}
    every_editors_group = Tenant.objects.annotate(
        group_name=Concat(Value(GROUP_PREFIX), "slug", output_field=CharField())
    ).values("group_name")
    current = set(user.groups.filter(name__in=every_editors_group))
    if stale := current - wanted:
        user.groups.remove(*stale)
    if missing := wanted - current:
        user.groups.add(*missing)


def image_belongs_to(image: object, tenant: Tenant) -> bool:
    """An image a tenant's page may show: from its own collection, or the platform's shared root."""
    collection = getattr(image, "collection", None)
    if collection is None:
        return False
    if collection.is_root():
        return True
    own = tenant_collection(tenant)
    return own is not None and collection.path.startswith(own.path)
