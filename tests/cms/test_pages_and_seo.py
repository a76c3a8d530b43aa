"""Tenant pages: every block on a home page, isolation of tenant rows, standard pages, menus, SEO."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope
from djmoney.money import Money
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from cms.choosers import ModeratorProfileChooserBlock
from cms.editor_access import tenant_collection
from cms.embed_block import AllowListedEmbedBlock
from cms.links import is_safe_link
from cms.models import NavigationSettings, StandardPage
from cms.services import prepare_tenant_site
from marketplace.models import Plan, Visibility
from marketplace.services.schedule import add_session
from tests.cms import site_content as content

pytestmark = pytest.mark.django_db

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def alpha(tenant, host, make_room):
    """Tenant A: a topic, the host's public profile and public room, plus rows that must stay hidden."""
    maths = content.topic(tenant, "Maths", host)
    content.profile(host, tenant, headline="Algebra made clear", topics=["maths"], bio="<p>Ten years.</p>")
    room = make_room(name="Algebra", description="<p>Equations &amp; graphs, step by step.</p>")
    unlisted_room = make_room(name="Tutoring", visibility=Visibility.UNLISTED)
    private_room = make_room(name="Staff room", visibility=Visibility.PRIVATE)
    shy, _ = content.moderator(tenant, "shy", "Shy Sam", visibility="unlisted")
    return {"topic": maths, "room": room, "hidden_rooms": [unlisted_room, private_room], "shy": shy}


@pytest.fixture
def beta(other_tenant):
    """Tenant B: its own host, profile, topic, room and plan."""
    user, profile = content.moderator(other_tenant, "bertha", "Bertha Beta", headline="Cardiology")
    cardio = content.topic(other_tenant, "Cardiology", user)
    room = content.room(user, other_tenant, "Heart health")
    with scope(tenant=other_tenant):
        Plan.objects.create(tenant=other_tenant, name="Clinic Gold", slug="gold", price=Money("99", "USD"))
    return {"user": user, "profile": profile, "topic": cardio, "room": room}


def test_every_block_renders_on_the_home_page(tenant, alpha):
    image = content.image_in(tenant_collection(tenant), "Classroom", "width-800")
    with scope(tenant=tenant):
        Plan.objects.create(tenant=tenant, name="Studio", slug="studio", price=Money("49", "USD"))
    body = [
        (
            "hero",
            {
                "heading": "Learn live",
                "text": "",
                "actions": [{"label": "Join", "link": "/accounts/signup/"}],
            },
        ),
        ("heading", "Why us"),
        ("paragraph", "<p>Small groups.</p>"),
        (
            "image_text",
            {
                "image": {"image": image, "alt_text": "Pupils at a desk", "decorative": False},
                "text": "<p>Real teachers.</p>",
                "image_position": "right",
            },
        ),
        ("call_to_action", {"label": "Browse hosts", "link": "/explore/"}),
        ("featured_moderators", {"heading": "Hosts", "rule": "newest", "count": 6, "moderators": []}),
        (
            "featured_rooms",
            {"heading": "Rooms", "rule": "topic", "topic": alpha["topic"], "count": 6, "rooms": []},
        ),
        ("topics_grid", {"heading": "Topics", "count": 12}),
        ("pricing_table", {"heading": "Plans", "text": "", "include_free": True}),
        (
            "testimonials",
            {"heading": "Said", "testimonials": [{"quote": "Great.", "name": "Ann", "role": "Pupil"}]},
        ),
        ("faq", {"heading": "FAQ", "questions": [{"question": "Is it live?", "answer": "<p>Yes.</p>"}]}),
        ("embed", {"video": VIDEO, "caption": "A taste"}),
    ]
    content.publish_body(content.home_of(tenant), body)

    page = content.visitor(tenant).get("/").content.decode()

    for text in (
        "Learn live",
        "Why us",
        "Small groups.",
        "Real teachers.",
        'href="/explore/"',
        "Ann",
        "Pupil",
    ):
        assert text in page
    assert 'alt="Pupils at a desk"' in page
    assert 'href="/@host/"' in page and "Algebra made clear" in page
    assert 'href="/@host/algebra/"' in page
    assert 'href="/explore/?topic=maths"' in page
    assert "Studio" in page and 'href="/dashboard/plans/"' in page
    assert re.search(r"<details class=\"panel cms-question\">\s*<summary>Is it live\?</summary>", page)
    # The CSP allows no YouTube frames: the video is a link, never a blocked iframe.
    assert f'href="{VIDEO}"' in page and "Watch on YouTube" in page and "<iframe" not in page


def test_featured_blocks_never_show_rows_of_another_tenant_or_hidden_ones(tenant, alpha, beta, host):
    with scope(tenant=tenant):
        own = host.moderator_profiles.get(tenant=tenant)
        shy = alpha["shy"].moderator_profiles.get(tenant=tenant)
    body = [
        ("featured_moderators", {"rule": "chosen", "count": 6, "moderators": [beta["profile"], shy, own]}),
        ("featured_rooms", {"rule": "chosen", "count": 6, "rooms": [beta["room"], *alpha["hidden_rooms"]]}),
        (
            "featured_rooms",
            {"heading": "By topic", "rule": "topic", "topic": beta["topic"], "count": 6, "rooms": []},
        ),
        ("featured_moderators", {"rule": "topic", "topic": beta["topic"], "count": 6, "moderators": []}),
    ]
    content.publish_body(content.home_of(tenant), body)

    page = content.visitor(tenant).get("/").content.decode()

    assert 'href="/@host/"' in page
    for hidden in ("bertha", "Bertha", "Heart health", "shy", "Tutoring", "Staff room", "By topic"):
        assert hidden not in page
    assert 'data-testid="featured-rooms"' not in page  # nothing left to show: no empty section


def test_choosers_refuse_rows_of_another_tenant_when_editing(tenant, beta):
    block = ModeratorProfileChooserBlock()
    with scope(tenant=tenant), pytest.raises(ValidationError):
        block.clean(beta["profile"])
    with scope(tenant=beta["profile"].tenant):
        assert block.clean(beta["profile"]) == beta["profile"]


def test_images_of_another_tenants_collection_are_left_out(tenant, other_tenant):
    theirs = content.image_in(tenant_collection(other_tenant), "Their secret", "width-800")
    value = {
        "image": {"image": theirs, "alt_text": "secret", "decorative": False},
        "text": "<p>Still here</p>",
    }
    content.publish_body(content.home_of(tenant), [("image_text", value)])

    page = content.visitor(tenant).get("/").content.decode()

    (section,) = re.findall(r'<section[^>]*data-testid="image-text">.*?</section>', page, re.S)
    assert "Still here" in section and "<img" not in section and "secret" not in page


def test_pricing_table_lists_only_this_tenants_active_plans(tenant, pro_plan, beta):
    with scope(tenant=tenant):
        Plan.objects.create(tenant=tenant, name="Studio", slug="studio", price=Money("49", "USD"))
        Plan.objects.create(
            tenant=tenant, name="Legacy", slug="legacy", price=Money("9", "USD"), is_active=False
        )
    content.publish_body(
        content.home_of(tenant), [("pricing_table", {"heading": "Plans", "include_free": True})]
    )

    page = content.visitor(tenant).get("/").content.decode()

    with scope(tenant=tenant):
        on_sale = Plan.objects.filter(tenant=tenant, is_active=True).count()
    assert on_sale >= 2 and page.count('data-testid="plan"') == on_sale  # Pro, Studio (and a free plan)
    assert "Studio" in page and "49.00" in page and "per month" in page and "Recordings" in page
    assert "Legacy" not in page and "Clinic Gold" not in page


def test_embeds_come_from_the_allow_list_and_play_once_the_csp_allows_them(tenant, settings):
    block = AllowListedEmbedBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python("https://evil.example/video"))
    assert block.clean(block.to_python(VIDEO)).url == VIDEO  # no oEmbed request while shown as a link

    settings.CSP_EXTRA_SOURCES = ["https://www.youtube.com"]
    player = '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" title="Video"></iframe>'
    Embed.objects.create(
        hash=get_embed_hash(VIDEO), url=VIDEO, html=player, type="video", width=640, height=360
    )
    content.publish_body(content.home_of(tenant), [("embed", {"video": VIDEO, "caption": ""})])
    response = content.visitor(tenant).get("/")
    assert "https://www.youtube.com" in response["Content-Security-Policy"]
    assert player in response.content.decode()


def test_new_tenants_get_about_terms_and_privacy(tenant):
    pages = {page.slug: page for page in StandardPage.objects.child_of(content.home_of(tenant))}
    assert set(pages) == {"about", "terms", "privacy"}
    assert pages["about"].live and not pages["terms"].live and not pages["privacy"].live
    client = content.visitor(tenant)
    about = client.get("/about/").content.decode()
    assert "About Alpha Academy" in about
    assert client.get("/terms/").status_code == 404  # a draft until the tenant's editors publish it

    pages["about"].title = "Who we are"
    pages["about"].save_revision().publish()
    prepare_tenant_site(tenant)  # idempotent: nothing duplicated, edits kept
    assert StandardPage.objects.child_of(content.home_of(tenant)).count() == 3
    assert StandardPage.objects.get(pk=pages["about"].pk).title == "Who we are"


def test_menus_render_live_pages_of_the_site_only(tenant, other_tenant):
    client = content.visitor(tenant)
    page = client.get("/").content.decode()
    assert re.search(r'<a href="/explore/"[^>]*data-testid="header-link">Explore</a>', page)
    assert 'href="/about/"' in page and 'href="/terms/"' not in page  # drafts stay out of the menu

    terms = StandardPage.objects.child_of(content.home_of(tenant)).get(slug="terms")
    terms.save_revision().publish()
    assert 'href="/terms/"' in client.get("/").content.decode()
    terms.slug = "rules"
    terms.save_revision().publish()  # the cached menus follow the new address
    assert 'href="/rules/"' in client.get("/").content.decode()

    menus = NavigationSettings.objects.get(site=tenant.site)
    their_about = StandardPage.objects.child_of(content.home_of(other_tenant)).get(slug="about")
    menus.footer_links = [("link", {"label": "Theirs", "page": their_about, "url": ""})]
    menus.header_links = [("link", {"label": "Sneaky", "page": None, "url": "javascript:alert(1)"})]
    menus.save()
    page = client.get("/about/").content.decode()
    assert "Theirs" not in page and "Sneaky" not in page and 'class="footer-links"' not in page

    NavigationSettings.objects.filter(site=tenant.site).delete()
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("link", "safe"),
    [
        ("/explore/", True),
        ("https://example.com/a", True),
        ("mailto:hi@example.com", True),
        ("javascript:alert(1)", False),
        ("//evil.example/", False),
        ("data:text/html,x", False),
        ("", False),
    ],
)
def test_links_typed_by_editors_are_paths_or_web_addresses(link, safe):
    assert is_safe_link(link) is safe


def urls_in(xml: str) -> set[str]:
    return set(re.findall(r"<loc>([^<]+)</loc>", xml))


def test_sitemap_lists_this_tenants_public_pages_profiles_and_rooms_only(tenant, alpha, beta):
    response = content.visitor(tenant).get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    ours = urls_in(response.content.decode())
    listed = {"http://alpha.localhost/@host/", "http://alpha.localhost/@host/algebra/"}
    assert {"http://alpha.localhost/", "http://alpha.localhost/about/", *listed} <= ours
    assert all(url.startswith("http://alpha.localhost/") for url in ours)
    hidden = ("/terms/", "/privacy/", "/@shy/", "/tutoring/", "/staff-room/", "bertha", "heart-health")
    assert not [url for url in ours if any(part in url for part in hidden)]

    theirs = urls_in(content.visitor(beta["room"].tenant).get("/sitemap.xml").content.decode())
    assert "http://beta.localhost/@bertha/heart-health/" in theirs
    assert all(url.startswith("http://beta.localhost/") for url in theirs)

    tenant.public_content_visible = False
    tenant.save()
    assert not urls_in(content.visitor(tenant).get("/sitemap.xml").content.decode()) & listed


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_names_the_sitemap(tenant, other_tenant):
    response = content.visitor(tenant).get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    for path in ("/dashboard/", "/cms/", "/api/", "/accounts/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://alpha.localhost/sitemap.xml" in lines
    assert (
        "Sitemap: http://beta.localhost/sitemap.xml"
        in content.visitor(other_tenant).get("/robots.txt").content.decode()
    )


def head_of(html: str) -> str:
    return html.split("</head>")[0]


def json_ld(html: str) -> list[dict]:
    return [
        json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    ]


def test_profile_page_has_canonical_link_previews_and_a_person(tenant, alpha):
    head = head_of(content.visitor(tenant).get("/@host/").content.decode())
    assert '<link rel="canonical" href="http://alpha.localhost/@host/">' in head
    assert '<meta name="description" content="Algebra made clear">' in head
    assert '<meta property="og:title" content="Hannah Host">' in head
    assert '<meta property="og:type" content="profile">' in head
    assert '<meta name="twitter:card" content="summary">' in head
    (person,) = json_ld(head)
    assert person["@type"] == "Person" and person["url"] == "http://alpha.localhost/@host/"
    assert person["knowsAbout"] == ["Maths"] and person["description"] == "Algebra made clear"

    unlisted = head_of(content.visitor(tenant).get("/@shy/").content.decode())
    assert '<meta name="robots" content="noindex">' in unlisted
    assert json_ld(unlisted) == [] and 'rel="canonical"' in unlisted


def test_room_page_describes_each_scheduled_session_as_an_online_event(tenant, alpha, host, make_room):
    room = alpha["room"]
    starts = timezone.now() + timedelta(days=2)
    add_session(room, actor=host, starts_at=starts, duration_minutes=60, time_zone="Europe/Paris")
    head = head_of(content.visitor(tenant).get("/@host/algebra/").content.decode())
    assert '<link rel="canonical" href="http://alpha.localhost/@host/algebra/">' in head
    assert '<meta name="description" content="Equations &amp; graphs, step by step.">' in head
    assert '<meta property="og:title" content="Algebra">' in head
    (data,) = json_ld(head)
    (event,) = data["@graph"]
    assert event["@type"] == "Event" and event["name"] == "Algebra"
    assert event["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert datetime.fromisoformat(event["startDate"]) == starts
    assert datetime.fromisoformat(event["endDate"]) == starts + timedelta(minutes=60)
    assert event["offers"]["price"] == "0.00" and event["offers"]["priceCurrency"] == "USD"
    assert event["organizer"]["url"] == "http://alpha.localhost/@host/"

    paid = make_room(name="Exam prep", fee_model="monthly", price=Money(Decimal("25"), "USD"))
    add_session(paid, actor=host, starts_at=starts, duration_minutes=45, time_zone="UTC")
    (offer,) = [
        event["offers"]
        for event in json_ld(content.visitor(tenant).get("/@host/exam-prep/").content.decode())[0]["@graph"]
    ]
    assert offer["price"] == "25.00" and offer["priceSpecification"]["unitCode"] == "MON"

    unlisted = alpha["hidden_rooms"][0]
    add_session(unlisted, actor=host, starts_at=starts, duration_minutes=30, time_zone="UTC")
    head = head_of(content.visitor(tenant).get(f"/@host/{unlisted.slug}/").content.decode())
    assert '<meta name="robots" content="noindex">' in head and json_ld(head) == []


def test_pages_describe_themselves_to_search_engines(tenant):
    about = StandardPage.objects.child_of(content.home_of(tenant)).get(slug="about")
    head = head_of(content.visitor(tenant).get("/about/").content.decode())
    assert '<link rel="canonical" href="http://alpha.localhost/about/">' in head
    assert f'<meta name="description" content="{about.intro}">' in head

    about.search_description = "Written for search engines."
    about.save_revision().publish()
    head = head_of(content.visitor(tenant).get("/about/").content.decode())
    assert '<meta name="description" content="Written for search engines.">' in head
    assert '<meta property="og:type" content="article">' in head
