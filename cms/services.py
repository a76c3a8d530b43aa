"""Writes to the page tree: each tenant's home page, its standard pages, menus and editor access."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import Locale, Page, Site

from cms.editor_access import ensure_editor_access
from cms.models import NavigationSettings, StandardPage, TenantHomePage

if TYPE_CHECKING:
    from marketplace.models import Tenant

Blocks = list[tuple[str, object]]


def _featured(block: str, heading: str, chosen_field: str) -> tuple[str, dict]:
    return (block, {"heading": heading, "rule": "newest", "topic": None, "count": 6, chosen_field: []})


def default_home_body(title: str) -> Blocks:
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
        ),
        # These fill in by themselves as hosts join, open rooms and the site gains topics.
        _featured("featured_moderators", "Meet the hosts", "moderators"),
        _featured("featured_rooms", "Rooms open for registration", "rooms"),
        ("topics_grid", {"heading": "Explore by topic", "count": 12}),
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


def _paragraph(*sentences: str) -> tuple[str, str]:
    return ("paragraph", "<p>" + " ".join(sentences) + "</p>")


@dataclass(frozen=True)
class StandardPageSpec:
    """A page every site starts with. Only About goes live at once: terms and privacy rules are the
    tenant's own, so they start as drafts for its editors to complete and publish."""

    slug: str
    menu_label: str
    title: str
    intro: str
    body: Blocks
    publish: bool


def standard_page_specs(name: str) -> tuple[StandardPageSpec, ...]:
    return (
        StandardPageSpec(
            "about",
            "About",
            f"About {name}",
            f"{name} is where people book live video sessions with hosts they trust.",
            [
                _paragraph(
                    f"Hosts on {name} run their own rooms: classes, consultations and coaching.",
                    "Find a host, register for a room with one click, pay from your wallet and join "
                    "from your browser when the session starts.",
                ),
                ("topics_grid", {"heading": "Explore by topic", "count": 12}),
                ("call_to_action", {"label": "Create your account", "link": "/accounts/signup/"}),
            ],
            publish=True,
        ),
        StandardPageSpec(
            "terms",
            "Terms",
            "Terms of use",
            f"The rules for using {name}, for attendees and hosts.",
            [
                ("heading", "Your account"),
                _paragraph("Keep your sign-in details to yourself; you answer for what is done with them."),
                ("heading", "Paying for sessions"),
                _paragraph(
                    "Fees are paid from your wallet. Each room's page states its fee and its refund rule,",
                    "and that rule applies to your registration.",
                ),
                ("heading", "Hosts"),
                _paragraph(
                    "Hosts set their own rooms, agendas and fees and are responsible for their sessions."
                ),
                ("heading", "Contact"),
                _paragraph(f"Questions about these terms go to the team running {name}."),
            ],
            publish=False,
        ),
        StandardPageSpec(
            "privacy",
            "Privacy",
            "Privacy",
            f"What {name} keeps about you, why, and what you can ask for.",
            [
                ("heading", "What we keep"),
                _paragraph(
                    "Your account (email address, name, handle), your wallet's transactions, your",
                    "registrations and the sessions you joined. Sessions are recorded only when the host",
                    "turns recording on, and the meeting tells you so.",
                ),
                ("heading", "Who sees it"),
                _paragraph(
                    "Hosts see who registered for and joined their rooms. Payment providers see what they",
                    "need to take a payment.",
                ),
                ("heading", "Your choices"),
                _paragraph(f"Ask the team running {name} for a copy of your data or for its deletion."),
            ],
            publish=False,
        ),
    )


def ensure_standard_pages(home: Page, *, name: str) -> list[tuple[str, Page]]:
    """About, terms and privacy under the home page, with their menu labels.

    Created once: a page an editor keeps at one of these slugs (whatever its type) stays as it is.
    """
    pages: list[tuple[str, Page]] = []
    for spec in standard_page_specs(name):
        existing = home.get_children().filter(slug=spec.slug).first()
        if existing is not None:
            pages.append((spec.menu_label, existing))
            continue
        page = StandardPage(title=spec.title, slug=spec.slug, intro=spec.intro, body=spec.body, live=False)
        home.add_child(instance=page)
        log(instance=page, action="wagtail.create")
        revision = page.save_revision(log_action=False)
        if spec.publish:
            revision.publish()
        pages.append((spec.menu_label, page))
    return pages


def _link(label: str, *, page: Page | None = None, url: str = "") -> tuple[str, dict]:
    return ("link", {"label": label, "page": page, "url": url})


def ensure_default_menus(site: Site, pages: list[tuple[str, Page]]) -> NavigationSettings:
    """The menus a site starts with, set once: an editor who empties them keeps them empty.

    The footer links the standard pages from the start; links to drafts stay hidden until published.
    """
    footer = [_link(label, page=page) for label, page in pages]
    menus, _ = NavigationSettings.objects.get_or_create(
        site=site,
        defaults={"header_links": [_link("Explore", url="/explore/")], "footer_links": footer},
    )
    return menus


@transaction.atomic
def prepare_tenant_site(tenant: Tenant) -> None:
    """Everything a tenant's site needs besides its home page; safe to run again."""
    home = tenant.site.root_page.specific
    pages = ensure_standard_pages(home, name=tenant.name)
    ensure_default_menus(tenant.site, pages)
    ensure_editor_access(tenant)
