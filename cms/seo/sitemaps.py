"""sitemap.xml of one tenant: its live public pages, its public profiles and its public active rooms.

Django's sitemaps build absolute URLs on django.contrib.sites' single domain; every location here is
built on the tenant's own Site instead, so one tenant's sitemap never names another's host or rows.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap as WagtailSitemap

from cms.listings import listed_rooms
from marketplace.models import ModeratorProfile, Room, Tenant
from marketplace.profile_selectors import listed_profiles


class TenantSitemap(Sitemap):
    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant

    def get_urls(self, page: int | str = 1, site: object = None, protocol: str | None = None) -> list[dict]:
        root = urlsplit(self.tenant.root_url)
        return self._urls(page, root.scheme, root.netloc)

    def shown(self) -> bool:
        # Sites that keep profiles and rooms to signed-in people keep them out of search engines too.
        return self.tenant.public_content_visible


class ProfileSitemap(TenantSitemap):
    def items(self) -> QuerySet[ModeratorProfile] | list:
        if not self.shown():
            return []
        return listed_profiles(self.tenant).prefetch_related(None).order_by("user__handle", "pk")

    def location(self, profile: ModeratorProfile) -> str:
        return reverse("profile-page", args=[profile.user.handle])

    def lastmod(self, profile: ModeratorProfile) -> datetime:
        return profile.updated_at


class RoomSitemap(TenantSitemap):
    def items(self) -> QuerySet[Room] | list:
        if not self.shown():
            return []
        return listed_rooms(self.tenant).order_by("owner__handle", "slug", "pk")

    def location(self, room: Room) -> str:
        return reverse("room-page", args=[room.owner.handle, room.slug])

    def lastmod(self, room: Room) -> datetime:
        return room.updated_at


def sitemaps_for(request: HttpRequest, tenant: Tenant) -> dict[str, Sitemap]:
    # Wagtail's own sitemap lists the live, unrestricted pages of the request's Site.
    return {
        "pages": WagtailSitemap(request),
        "profiles": ProfileSitemap(tenant),
        "rooms": RoomSitemap(tenant),
    }
