"""Which addresses a tenant's stylesheet may load: its own uploads, nothing else.

Rule: a `url()` must start with MEDIA_URL (the site's own media, or the media bucket when
MEDIA_URL is absolute), name the stored file of a Wagtail image, one of its renditions or a
Wagtail document exactly (no query string, fragment, `..` or backslash), and that image or
document must belong to the tenant: in its collection of the Wagtail library (cms.editor_access),
uploaded by one of its admins or editors, or chosen as this site's logo or favicon. The platform's
shared root collection does not count: an address of anyone else's upload is refused like any
other site's.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import lru_cache
from urllib.parse import unquote

from django.conf import settings
from django.db.models import Q
from django_scopes import scope
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Site


def stored_name(address: str) -> str | None:
    """The storage name an address under MEDIA_URL points at, or None when it points elsewhere."""
    media_url = settings.MEDIA_URL
    address = address.strip()
    if not media_url or not address.startswith(media_url) or any(c in address for c in "?#\\"):
        return None
    name = unquote(address[len(media_url) :])
    if not name or name.startswith("/") or ".." in name.split("/"):
        return None
    return name


def _ownership(site: Site | None) -> Q:
    """Library rows of the site's tenant (images and documents share these field names)."""
    from cms.editor_access import tenant_collection
    from marketplace.models import Membership, Tenant
    from marketplace.roles import STAFF_ROLES

    tenant = Tenant.objects.filter(site=site).first() if site is not None else None
    if tenant is None:
        return Q(pk__in=[])
    with scope(tenant=tenant):
        staff = Membership.objects.filter(tenant=tenant, role__in=STAFF_ROLES).values_list(
            "user_id", flat=True
        )
        owned = Q(uploaded_by_user_id__in=list(staff))
    collection = tenant_collection(tenant)
    if collection is not None and not collection.is_root():
        owned |= Q(collection__path__startswith=collection.path)
    return owned


def own_asset_checker(site: Site | None, *, chosen_image_ids: Collection[int] = ()) -> Callable[[str], bool]:
    """A predicate for one check of one stylesheet: does this address name the tenant's upload?"""
    owned = _ownership(site)
    image_model = get_image_model()
    owned_images = image_model.objects.filter(owned | Q(pk__in=[pk for pk in chosen_image_ids if pk]))
    rendition_model = image_model.get_rendition_model()
    documents = get_document_model().objects.filter(owned)

    @lru_cache(maxsize=256)
    def allowed(address: str) -> bool:
        name = stored_name(address)
        if name is None:
            return False
        return (
            owned_images.filter(file=name).exists()
            or rendition_model.objects.filter(file=name, image__in=owned_images).exists()
            or documents.filter(file=name).exists()
        )

    return allowed
