"""Writes to the page tree."""

from __future__ import annotations

from django.conf import settings
from wagtail.models import Locale, Page

from cms.models import TenantHomePage


def default_home_body(title: str) -> list[tuple[str, dict]]:
    return [
        (
            "hero",
            {
                "heading": f"Live sessions with the people who know, at {title}",
                "text": "Book tutors, doctors, consultants and coaches for live video sessions. "
                "Pay from your wallet, join with one click.",
                "actions": [
                    {"label": "Create your account", "link": "/accounts/signup/"},
                    {"label": "Sign in", "link": "/accounts/login/"},
                ],
            },
        )
    ]


def ensure_page_tree_root() -> Page:
    """Wagtail's tree root and default locale, recreated if a database was flushed."""
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    return root


def create_home_page(*, title: str, slug: str) -> TenantHomePage:
    """A tenant's root page, as a child of Wagtail's tree root."""
    root = ensure_page_tree_root()
    home = TenantHomePage(title=title, slug=f"home-{slug}", body=default_home_body(title))
    root.add_child(instance=home)
    home.save_revision().publish()
    return home
