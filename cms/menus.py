"""The header and footer links of a site: resolved once, kept in the cache, shown on every page.

Every page shows the menus, so resolving them (the setting's row, then its pages) would cost each
page two queries. The resolved links are cached per site instead: saving the menus stores them
afresh, and publishing, unpublishing or deleting a page the menus link to, or moving or renaming
any page, drops them (cms.models.navigation connects those signals). With the default per-process
cache, other web processes catch up within CACHE_SECONDS; a shared cache (CACHE_URL) has no delay.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from wagtail.models import Page, Site

from cms.links import is_safe_link

MENUS = ("header", "footer")
CACHE_SECONDS = 300
GENERATION_KEY = "cms:menus:generation"


@dataclass(frozen=True)
class MenuLink:
    label: str
    href: str
    current: bool = False


@dataclass(frozen=True)
class SiteMenus:
    links: dict[str, tuple[tuple[str, str], ...]]  # menu -> (label, href) pairs
    page_ids: frozenset[int]  # every page the menus link to, live or not


def _key(site_id: int) -> str:
    generation = cache.get_or_set(GENERATION_KEY, 1, timeout=None)
    return f"cms:menus:{generation}:{site_id}"


def _page_href(page: Page, site: Site) -> str:
    # Only live pages of this site: a draft, or a page of another site chosen in the admin, is left out.
    if not page.live:
        return ""
    parts = page.get_url_parts()
    return parts[2] if parts is not None and parts[0] == site.pk else ""


def resolve_menus(site: Site, navigation: object | None) -> SiteMenus:
    links: dict[str, tuple[tuple[str, str], ...]] = {}
    page_ids: set[int] = set()
    for menu in MENUS:
        resolved = []
        for block in getattr(navigation, f"{menu}_links", None) or []:
            value = block.value
            page = value.get("page")
            if page is not None:
                page_ids.add(page.pk)
                href = _page_href(page, site)
            else:
                # Links saved through the admin are checked already; this guards rows written otherwise.
                url = value.get("url") or ""
                href = url if is_safe_link(url) else ""
            if href:
                resolved.append((value["label"], href))
        links[menu] = tuple(resolved)
    return SiteMenus(links, frozenset(page_ids))


def remember(site: Site, navigation: object | None) -> SiteMenus:
    menus = resolve_menus(site, navigation)
    cache.set(_key(site.pk), menus, CACHE_SECONDS)
    return menus


def site_menus(site: Site) -> SiteMenus:
    menus = cache.get(_key(site.pk))
    if menus is None:
        from cms.models import NavigationSettings

        # Read only: showing a page never creates the setting (the tenant's set-up does, with defaults).
        menus = remember(site, NavigationSettings.objects.filter(site=site).first())
    return menus


def forget_site(site_id: int) -> None:
    cache.delete(_key(site_id))


def forget_all() -> None:
    """Moves and slug changes alter the address of every page below: start all sites afresh."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache (any more): every key is new anyway
        cache.set(GENERATION_KEY, 1, timeout=None)


def page_changed(page: Page) -> None:
    """A page was published, unpublished or deleted: forget its site's menus if they link to it."""
    parts = page.get_url_parts()  # from Wagtail's cached site roots: no query
    if parts is None:
        return
    site_id = parts[0]
    menus = cache.get(_key(site_id))
    if menus is not None and page.pk in menus.page_ids:
        forget_site(site_id)


def menu_links(request: HttpRequest | None, menu: str) -> list[MenuLink]:
    if request is None or menu not in MENUS:
        return []
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return []
    if not hasattr(request, "_cms_menus"):  # the header and the footer share one look-up
        request._cms_menus = site_menus(tenant.site)  # type: ignore[attr-defined]
    pairs = request._cms_menus.links.get(menu, ())  # type: ignore[attr-defined]
    return [MenuLink(label, href, current=href == request.path) for label, href in pairs]
