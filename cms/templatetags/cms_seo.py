"""Template tags of the SEO include (site/templates/seo/meta.html) and the profile and room pages."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString
from wagtail.models import Page

from cms.listings import tenant_of_page
from cms.seo import metadata, structured_data
from marketplace.models import ModeratorProfile, Room, ScheduledSession, Topic

register = template.Library()


def _tenant(context: template.Context):
    return getattr(context.get("request"), "tenant", None)


@register.simple_tag(takes_context=True)
def page_meta(context: template.Context) -> metadata.PageMeta | None:
    """Metadata of the Wagtail page being rendered; None on other pages (they describe themselves)."""
    page = context.get("page")
    if not isinstance(page, Page):
        return None
    return metadata.page_meta(page, tenant_of_page(page), context.get("request"))


@register.simple_tag(takes_context=True)
def profile_meta(context: template.Context, profile: ModeratorProfile) -> metadata.PageMeta | None:
    tenant = _tenant(context)
    return metadata.profile_meta(profile, tenant) if tenant else None


@register.simple_tag(takes_context=True)
def room_meta(context: template.Context, room: Room) -> metadata.PageMeta | None:
    tenant = _tenant(context)
    return metadata.room_meta(room, tenant) if tenant else None


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, url: str) -> str:
    tenant = _tenant(context)
    return metadata.absolute_url(tenant, url) if tenant and url else (url or "")


@register.simple_tag(takes_context=True)
def profile_json_ld(
    context: template.Context, profile: ModeratorProfile, topics: Iterable[Topic], languages: Iterable[str]
) -> SafeString | str:
    tenant = _tenant(context)
    if tenant is None:
        return ""
    return structured_data.json_ld_script(
        structured_data.profile_person(tenant, profile, topics or [], languages or [])
    )


@register.simple_tag(takes_context=True)
def room_json_ld(
    context: template.Context, room: Room, sessions: Iterable[ScheduledSession], seats: int | None = None
) -> SafeString | str:
    tenant = _tenant(context)
    sessions = list(sessions or [])
    if tenant is None or not sessions:
        return ""
    return structured_data.json_ld_script(structured_data.room_events(tenant, room, sessions, seats))
