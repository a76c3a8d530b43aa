"""Branding per tenant: pages, the dashboard, emails, the back office and the meeting client show each
site's own logo, colours and words, and never another site's."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cms.models import BrandingSettings
from conferencing.bbb.params import create_pairs
from conferencing.services.join import join_room
from conferencing.services.meetings import branding_params, create_params, limits_of
from marketplace.notifications import notify
from marketplace.roles import Role
from tests.cms import branding_fixtures
from tests.cms.branding_fixtures import brand, browser
from tests.conferencing import conftest as conferencing
from tests.factories import make_member
from tests.mail import part
from tests.marketplace import registration_fixtures

pytestmark = [
    pytest.mark.django_db,
    # Wagtail leaves the temporary file of a new rendition for the garbage collector to close
    # (wagtail/wagtail#14055); harmless, but `filterwarnings = error` would fail the test on it.
    pytest.mark.filterwarnings("ignore:Unclosed file <tempfile.SpooledTemporaryFile:ResourceWarning"),
]

# Fixtures from elsewhere, bound here so pytest finds them for this module.
alpha_branding = branding_fixtures.alpha_branding
beta_branding = branding_fixtures.beta_branding
make_image = branding_fixtures.make_image
media_root = branding_fixtures.media_root
bbb, bbb_simulator = conferencing.bbb, conferencing.bbb_simulator
host, make_room, pro_plan = (
    registration_fixtures.host,
    registration_fixtures.make_room,
    registration_fixtures.pro_plan,
)

THEME_LINK = re.compile(r'<link rel="stylesheet" href="(/branding/theme-[0-9a-f]{12}\.css)">')


def theme_of(client, html: str) -> str:
    """The generated theme stylesheet the page links to, fetched like a browser would."""
    match = THEME_LINK.search(html)
    assert match, "the page links no theme stylesheet"
    response = client.get(match.group(1))
    assert response.status_code == 200 and response["Content-Type"] == "text/css; charset=utf-8"
    return response.content.decode()


def assert_alpha_not_beta(html: str, alpha: BrandingSettings, beta: BrandingSettings) -> None:
    assert alpha.logo.get_rendition("max-480x96").url in html
    assert 'alt="Alpha Academy"' in html
    assert "beta-logo" not in html and "workshops" not in html and "classes" not in html


def test_home_page_carries_the_sites_logo_colours_font_title_and_words(
    tenant, other_tenant, alpha_branding, beta_branding
):
    client = browser(tenant)
    html = client.get("/").content.decode()
    assert_alpha_not_beta(html, alpha_branding, beta_branding)
    assert "live appointments on Lyceum" in html
    assert "| Alpha Learning</title>" in html
    assert alpha_branding.favicon.get_rendition("fill-64x64|format-png").url in html
    theme = theme_of(client, html)
    assert "--color-primary: #123456;" in theme and "--color-accent: #abcdef;" in theme
    assert "--color-bg: #fafafa;" in theme and '"Inter Variable"' in theme
    assert "/static/fonts/inter/inter-latin-wght-normal.woff2" in theme
    assert "#654321" not in theme and "Atkinson" not in theme
    # The other site, same code: its own theme.
    beta_html = browser(other_tenant).get("/").content.decode()
    beta_theme = theme_of(browser(other_tenant), beta_html)
    assert "--color-primary: #654321;" in beta_theme and "#123456" not in beta_theme
    assert "alpha-logo" not in beta_html and "live classes on Lyceum" in beta_html


def test_theme_is_versioned_and_only_served_for_its_own_content(tenant, other_tenant, alpha_branding):
    client = browser(tenant)
    url = THEME_LINK.search(client.get("/").content.decode()).group(1)
    response = client.get(url)
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Another site's host, or the same site after a change: that version is not theirs (any more).
    assert browser(other_tenant).get(url).status_code == 404
    brand(tenant, primary_color="#222222")
    assert client.get(url).status_code == 404
    assert THEME_LINK.search(client.get("/").content.decode()).group(1) != url


def test_unbranded_site_keeps_the_defaults(tenant):
    html = browser(tenant).get("/").content.decode()
    assert "/static/img/favicon.svg" in html and "· Alpha Academy</title>" in html
    assert "live sessions on Lyceum" in html and 'class="brand-logo"' not in html
    assert not BrandingSettings.objects.filter(site=tenant.site).exists()  # reading wrote nothing


def test_dashboard_menu_and_page_use_the_sites_words(tenant, alpha_branding, beta_branding):
    moderator = make_member(tenant, Role.MODERATOR, handle="mo")
    client = browser(tenant, moderator)
    html = client.get("/dashboard/").content.decode()
    assert ">My consultations</a>" in html and ">Shared consultations</a>" in html
    assert "My rooms" not in html
    assert_alpha_not_beta(html, alpha_branding, beta_branding)
    assert "--color-primary: #123456;" in theme_of(client, html)


def test_email_has_the_sender_name_logo_colour_and_words(tenant, alpha_branding, beta_branding, outbox):
    notify(
        "room_invitation",
        tenant=tenant,
        email="guest@example.com",
        host="Hannah",
        room="Algebra",
        has_account=False,
        email_address="guest@example.com",
    )
    (message,) = outbox()
    assert message["From"] == "Alpha Front Desk <no-reply@lyceum.localhost>"
    html = part(message, "text/html")
    logo = "http://alpha.localhost" + alpha_branding.logo.get_rendition("max-480x96").url
    assert f'src="{logo}"' in html and "#123456" in html and "live appointments" in html
    assert "#654321" not in html and "beta-logo" not in html and "classes" not in html


def test_sender_defaults_to_the_site_name(tenant, outbox):
    notify("room_invitation", tenant=tenant, email="g@example.com", host="H", room="R", has_account=True)
    assert outbox()[0]["From"] == "Alpha Academy <no-reply@lyceum.localhost>"


@pytest.mark.parametrize(
    ("wording", "message"),
    [
        ({"teacher": "coach"}, '"teacher" is not a word you can change'),
        ({"room": ""}, 'Enter a word for "room"'),
        ({"room": "   "}, 'Enter a word for "room"'),
        ({"room": "x" * 31}, 'The word for "room" is too long (31 characters, at most 30)'),
        ({"room": 3}, 'Enter a word for "room"'),
        ({"room": "<b>bold</b>"}, 'The word for "room" may only contain plain text'),
        (["room"], "Enter the overrides as a JSON object"),
    ],
)
def test_wording_refuses_unknown_keys_and_bad_words(tenant, wording, message):
    with pytest.raises(ValidationError) as refused:
        brand(tenant, wording=wording)
    assert any(message in text for text in refused.value.message_dict["wording"])


def test_colours_must_be_hex(tenant):
    with pytest.raises(ValidationError) as refused:
        brand(tenant, primary_color="red", accent_color="#12345g")
    assert set(refused.value.message_dict) == {"primary_color", "accent_color"}


def settings_url(tenant) -> str:
    return reverse("wagtailsettings:edit", args=["cms", "brandingsettings", tenant.site_id])


def form_data(**overrides) -> dict[str, str]:
    data = {
        "primary_color": "#0f766e",
        "accent_color": "#f59e0b",
        "background_color": "#ffffff",
        "font": "source-serif",
        "page_title": "",
        "title_suffix": "",
        "wording": '{"moderator": "coach"}',
        "email_sender_name": "",
        "custom_css": "",
    }
    return {**data, **overrides}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR])
def test_admins_and_editors_edit_their_own_sites_branding(tenant, role):
    staff = make_member(tenant, role)
    client = browser(tenant, staff)
    page = client.get(settings_url(tenant)).content.decode()
    assert "Words to use instead of ours" in page and "Buttons, links and the meeting" in page  # help texts
    assert 'type="color" name="primary_color" value="#4f46e5"' in page
    assert "brandingsettings" in client.get("/cms/").content.decode()  # Settings → Branding
    response = client.post(settings_url(tenant), form_data())
    assert response.status_code == 302
    saved = BrandingSettings.for_site(tenant.site)
    assert (saved.primary_color, saved.font, saved.wording) == (
        "#0f766e",
        "source-serif",
        {"moderator": "coach"},
    )


def test_back_office_form_shows_what_is_wrong(tenant, admin_user):
    client = browser(tenant, admin_user)
    response = client.post(
        settings_url(tenant),
        form_data(wording='{"teacher": "coach"}', custom_css="a { color: red }\n@import url(x.css);"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "&quot;teacher&quot; is not a word you can change" in html
    assert "Line 2: @import is not allowed" in html
    assert not BrandingSettings.objects.filter(site=tenant.site, wording__has_key="teacher").exists()


def test_editor_of_one_site_cannot_reach_another_sites_branding(tenant, other_tenant, beta_branding):
    editor = make_member(tenant, Role.EDITOR)
    client = browser(tenant, editor)
    # B's site id on A's host: refused (Wagtail's "no permission" back to the dashboard), nothing
    # of B's shown, nothing changed.
    response = client.get(settings_url(other_tenant))
    assert (response.status_code, response["Location"]) == (302, "/cms/")
    assert "#654321" not in response.content.decode()
    client.post(settings_url(other_tenant), form_data(primary_color="#000000"))
    assert BrandingSettings.for_site(other_tenant.site).primary_color == "#654321"
    # B's host: the back office itself is closed to A's editor.
    assert browser(other_tenant, editor).get(settings_url(other_tenant)).status_code == 403
    # The settings menu entry opens A's own site.
    index = client.get(reverse("wagtailsettings:edit", args=["cms", "brandingsettings"]))
    assert index.status_code == 302 and index["Location"] == settings_url(tenant)


def test_attendees_and_moderators_cannot_edit_branding(tenant, attendee):
    moderator = make_member(tenant, Role.MODERATOR)
    for user in (attendee, moderator):
        assert browser(tenant, user).get(settings_url(tenant)).status_code == 403


def test_meeting_create_params_carry_the_branding(
    tenant, other_tenant, alpha_branding, beta_branding, make_room
):
    logo = "http://alpha.localhost" + alpha_branding.logo.get_rendition("max-480x96").url
    assert branding_params(tenant) == {"bannerText": "Alpha Academy", "bannerColor": "#123456", "logo": logo}
    assert branding_params(other_tenant)["bannerColor"] == "#654321"
    room = make_room()
    from conferencing.models import Session

    session = Session(tenant=tenant, room=room, meeting_id="m-1")
    participants, minutes = limits_of(room)
    pairs = dict(create_pairs(create_params(room, session, max_participants=participants, minutes=minutes)))
    assert (pairs["logo"], pairs["bannerColor"], pairs["bannerText"]) == (logo, "#123456", "Alpha Academy")


def test_join_url_carries_the_custom_stylesheet(bbb, settings, tenant, host, make_room):
    settings.BBB_ENDPOINT, settings.BBB_SECRET = bbb.endpoint, bbb.secret
    room = make_room()
    plain = parse_qs(urlsplit(join_room(room, user=host).url).query)
    assert "userdata-bbb_custom_style_url" not in plain
    row = brand(tenant, custom_css=".navbar { background: #123456; }")
    url = join_room(room, user=host).url
    query = parse_qs(urlsplit(url).query)
    style = f"http://alpha.localhost/branding/{row.custom_css_version}.css"
    assert query["userdata-bbb_custom_style_url"] == [style]
    # The meeting server accepts the signed URL with the extra parameter.
    assert httpx.get(url, follow_redirects=True, timeout=10).status_code == 200
