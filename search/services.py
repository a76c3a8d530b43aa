"""Writes of the search app to the page tree: each site's Explore page."""

from __future__ import annotations

from wagtail.models import Page

from marketplace.models import Tenant
from search.models import ExplorePage

EXPLORE_SLUG = "explore"
EXPLORE_INTRO = "Find hosts and rooms by name, topic, language, price or when they next meet."


def ensure_explore_page(tenant: Tenant) -> ExplorePage | None:
    """The site's Explore page at /explore/, created and published if it has none; idempotent.

    Editors may unpublish, move or rename it later: an existing Explore page under the home page
    is kept as it is. If the slug is taken by another page, none is created (None): the editors'
    page wins over ours.
    """
    home: Page = tenant.site.root_page
    existing = ExplorePage.objects.child_of(home).first()
    if existing is not None:
        return existing
    if home.get_children().filter(slug=EXPLORE_SLUG).exists():
        return None
    page = ExplorePage(title="Explore", slug=EXPLORE_SLUG, intro=EXPLORE_INTRO, show_in_menus=True)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page
