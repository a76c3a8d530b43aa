"""`{% menu_links "header" as links %}`: the site's menu links for the current request."""

from __future__ import annotations

from django import template

from cms.menus import MenuLink
from cms.menus import menu_links as resolve_menu_links

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_links(context: template.Context, menu: str) -> list[MenuLink]:
    return resolve_menu_links(context.get("request"), menu)
