"""What a page tells search engines and link previews: title, description, canonical URL, image.

Canonical URLs are built on the tenant's own Site (its hostname and port), never on the host the
request happened to use, so every tenant's pages point at their own address.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import unescape
from urllib.parse import urljoin

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Page

from marketplace.models import ModeratorProfile, Room, Tenant, User
from marketplace.profile_selectors import profile_of

DESCRIPTION_CHARS = 160


@dataclass(frozen=True)
class PageMeta:
    title: str
    description: str
    canonical_url: str
    image_url: str = ""  # empty: the template falls back to the site's logo
    og_type: str = "website"
    site_name: str = ""


def plain_text(html: str, limit: int = DESCRIPTION_CHARS) -> str:
    """Sanitised rich text as one line of plain text, cut at a word."""
    text = " ".join(unescape(strip_tags(html or "")).split())
    return Truncator(text).chars(limit)


def absolute_url(tenant: Tenant, path_or_url: str) -> str:
    """A path made absolute on the tenant's site; full URLs (e.g. from object storage) stay as they are."""
    if not path_or_url:
        return ""
    return urljoin(tenant.root_url.rstrip("/") + "/", path_or_url)


def _file_url(field: object) -> str:
    return field.url if field else ""


def page_meta(page: Page, tenant: Tenant | None, request: HttpRequest | None = None) -> PageMeta:
    site_name = tenant.name if tenant else ""
    return PageMeta(
        title=page.seo_title or page.title,
        description=plain_text(getattr(page, "meta_description", "") or page.search_description),
        canonical_url=page.get_full_url(request) or "",
        og_type="website" if page.is_site_root() else "article",
        site_name=site_name,
    )


def profile_url(tenant: Tenant, host: User) -> str:
    return absolute_url(tenant, reverse("profile-page", args=[host.handle]))


def room_url(tenant: Tenant, room: Room) -> str:
    return absolute_url(tenant, reverse("room-page", args=[room.owner.handle, room.slug]))


def profile_image(tenant: Tenant, profile: ModeratorProfile | None, host: User) -> str:
    cover = _file_url(profile.cover) if profile is not None else ""
    return absolute_url(tenant, cover or _file_url(host.avatar))


def profile_meta(profile: ModeratorProfile, tenant: Tenant) -> PageMeta:
    host = profile.user
    return PageMeta(
        title=host.get_short_name(),
        description=plain_text(profile.headline or profile.bio),
        canonical_url=profile_url(tenant, host),
        image_url=profile_image(tenant, profile, host),
        og_type="profile",
        site_name=tenant.name,
    )


def host_profile(room: Room, tenant: Tenant) -> ModeratorProfile | None:
    """The room host's profile here, read once per room object (the meta tags and the events share it)."""
    if "_seo_host_profile" not in room.__dict__:
        room.__dict__["_seo_host_profile"] = profile_of(room.owner, tenant)
    return room.__dict__["_seo_host_profile"]


def room_meta(room: Room, tenant: Tenant) -> PageMeta:
    host = room.owner
    # A room has no picture of its own: its host's cover (or avatar) stands for it.
    image = profile_image(tenant, host_profile(room, tenant), host)
    description = plain_text(room.description) or f"A live room hosted by {host.get_short_name()}."
    return PageMeta(
        title=room.name,
        description=description,
        canonical_url=room_url(tenant, room),
        image_url=image,
        site_name=tenant.name,
    )
