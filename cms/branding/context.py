"""A site's branding, resolved for templates, emails and the meeting client.

Pages get it from the `branding` context processor as `branding` (colours, font, logo and
favicon URLs, titles, the theme and custom stylesheet URLs) and `wording` (every renameable word,
the tenant's where it set one). Reading creates no settings row: a site that never saved its
branding gets the defaults (only the logo and favicon renditions are made on first use, as Wagtail
does everywhere).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from cms.branding.theme import Theme
from cms.branding.wording import merged_wording

if TYPE_CHECKING:
    from wagtail.images.models import AbstractImage
    from wagtail.models import Site

    from cms.models import BrandingSettings
    from marketplace.models import Tenant

logger = logging.getLogger(__name__)

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_RENDITION = "max-480x96"  # shown at most 48px high: twice that for sharp screens
FAVICON_RENDITION = "fill-64x64|format-png"
DEFAULT_FAVICON = "img/favicon.svg"
REQUEST_CACHE = "_lyceum_branding"
SITE_MEMO = "_lyceum_branding_row"


@dataclass(frozen=True)
class Branding:
    site_name: str
    root_url: str
    theme: Theme
    page_title: str
    title_suffix: str
    email_sender_name: str
    logo_url: str = ""
    logo_width: int = 0
    logo_height: int = 0
    favicon_url: str = ""
    favicon_type: str = "image/svg+xml"
    stylesheet_version: str = ""
    wording: dict[str, str] = field(default_factory=dict)

    @property
    def primary_color(self) -> str:
        return self.theme.primary_color

    @property
    def accent_color(self) -> str:
        return self.theme.accent_color

    @property
    def background_color(self) -> str:
        return self.theme.background_color

    @property
    def primary_ink(self) -> str:
        return self.theme.primary_ink

    @property
    def font(self) -> str:
        return self.theme.font

    @property
    def font_family(self) -> str:
        return self.theme.font_stack

    @property
    def theme_url(self) -> str:
        # Served per tenant host only; without a site the defaults in lyceum.css apply.
        if not self.root_url:
            return ""
        return reverse("branding-theme", kwargs={"version": self.theme.version()})

    @property
    def stylesheet_url(self) -> str:
        if not self.stylesheet_version:
            return ""
        return reverse("branding-stylesheet", kwargs={"version": self.stylesheet_version})

    def absolute(self, url: str) -> str:
        """For emails and the meeting client, which load our files from elsewhere."""
        return self.root_url + url if url.startswith("/") else url

    @property
    def logo_absolute_url(self) -> str:
        return self.absolute(self.logo_url) if self.logo_url else ""

    @property
    def stylesheet_absolute_url(self) -> str:
        return self.absolute(self.stylesheet_url) if self.stylesheet_url else ""


def _colour(value: str, default: str) -> str:
    return value.lower() if COLOUR.match(value or "") else default


def _rendition(image: AbstractImage | None, spec: str) -> Any:
    """The image's rendition, or None when its file is gone (a broken logo must not break pages)."""
    if image is None:
        return None
    try:
        return image.get_rendition(spec)
    except Exception:  # SourceImageIOError, a corrupt upload: any failure means "no image"
        logger.warning("Rendition %s of image %s failed; using none.", spec, image.pk, exc_info=True)
        return None


def settings_row(site: Site | None) -> BrandingSettings:
    """The site's saved branding (or an unsaved default), read once per Site instance.

    A request resolves its Site once (tenant middleware), and the page, its dashboard menu and its
    theme all ask for the branding: memoized on that instance, it costs one query per request.
    Saving a BrandingSettings refreshes the memo of its own Site instance (see its save()).
    """
    from cms.models import BrandingSettings

    if site is None:
        return BrandingSettings()
    row = getattr(site, SITE_MEMO, None)
    if row is None:
        row = BrandingSettings.objects.select_related("logo", "favicon").filter(site=site).first()
        row = row if row is not None else BrandingSettings(site=site)
        setattr(site, SITE_MEMO, row)
    return row


def theme_of(row: BrandingSettings) -> Theme:
    def colour(field_name: str) -> str:
        # A value written around the form's validation falls back to the default colour.
        return _colour(getattr(row, field_name), row._meta.get_field(field_name).default)

    return Theme(
        primary_color=colour("primary_color"),
        accent_color=colour("accent_color"),
        background_color=colour("background_color"),
        font=row.font,
    )


def resolve_branding(site: Site | None, *, name: str) -> Branding:
    row = settings_row(site)
    theme = theme_of(row)
    logo = _rendition(row.logo, LOGO_RENDITION)
    favicon = _rendition(row.favicon, FAVICON_RENDITION)
    return Branding(
        site_name=name,
        root_url=site.root_url if site is not None else "",
        theme=theme,
        page_title=row.page_title or name,
        title_suffix=row.title_suffix or f"· {name}",
        email_sender_name=row.email_sender_name or name,
        logo_url=logo.url if logo is not None else "",
        logo_width=logo.width if logo is not None else 0,
        logo_height=logo.height if logo is not None else 0,
        favicon_url=favicon.url if favicon is not None else static(DEFAULT_FAVICON),
        favicon_type="image/png" if favicon is not None else "image/svg+xml",
        stylesheet_version=row.custom_css_version if row.custom_css.strip() else "",
        wording=merged_wording(row.wording),
    )


def branding_for_tenant(tenant: Tenant | None) -> Branding:
    if tenant is None:
        return resolve_branding(None, name="Lyceum")
    return resolve_branding(tenant.site, name=tenant.name)


def branding_for_request(request: HttpRequest) -> Branding:
    """Resolved once per request: the context processor, views and page code share it."""
    cached = getattr(request, REQUEST_CACHE, None)
    if cached is None:
        cached = branding_for_tenant(getattr(request, "tenant", None))
        setattr(request, REQUEST_CACHE, cached)
    return cached


def branding(request: HttpRequest) -> dict[str, Any]:
    """Template context processor (settings TEMPLATES): `branding` and `wording`.

    Lazy, so templates that never use them (the Wagtail admin, API pages) cost no query.
    """
    return {
        "branding": SimpleLazyObject(lambda: branding_for_request(request)),
        "wording": SimpleLazyObject(lambda: branding_for_request(request).wording),
    }


def email_context(tenant: Tenant) -> dict[str, Any]:
    resolved = branding_for_tenant(tenant)
    return {"branding": resolved, "wording": resolved.wording}


def wording_for_tenant(tenant: Tenant | None) -> dict[str, str]:
    """Only the words, for code that needs no other branding (no image renditions)."""
    return merged_wording(settings_row(tenant.site if tenant is not None else None).wording)


def custom_stylesheet_url(tenant: Tenant) -> str:
    """The absolute URL of the tenant's custom stylesheet, or "" without one (no image work)."""
    row = settings_row(tenant.site)
    if not row.custom_css.strip() or not row.custom_css_version:
        return ""
    return tenant.root_url + reverse("branding-stylesheet", kwargs={"version": row.custom_css_version})
