"""Writes to the page tree."""

from __future__ import annotations

from wagtail.models import Page

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


def create_home_page(*, title: str, slug: str) -> TenantHomePage:
    """A tenant's root page, as a child of Wagtail's tree root."""
    root = Page.get_first_root_node()
    home = TenantHomePage(title=title, slug=f"home-{slug}", body=default_home_body(title))
    root.add_child(instance=home)
    home.save_revision().publish()
    return home
