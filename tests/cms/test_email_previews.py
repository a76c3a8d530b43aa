"""Email previews in the back office: every email renders as it is sent, in the site's branding and the
chosen language, for the site's admins and editors (and the platform owner, for any site) only, and
a preview saves nothing and sends nothing."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from pathlib import Path

import dramatiq
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cms.branding.context import branding_for_tenant
from cms.email_previews import KINDS, kind_named, render_preview
from cms.email_samples import cast_for
from marketplace.notifications import notify
from marketplace.roles import Role
from tests.cms import branding_fixtures
from tests.cms.branding_fixtures import browser
from tests.factories import UserFactory, make_member
from tests.jobs import run_on_commit_callbacks
from tests.mail import part

pytestmark = [
    pytest.mark.django_db,
    # Wagtail leaves the temporary file of a new rendition for the garbage collector to close
    # (wagtail/wagtail#14055); harmless, but `filterwarnings = error` would fail the test on it.
    pytest.mark.filterwarnings("ignore:Unclosed file <tempfile.SpooledTemporaryFile:ResourceWarning"),
]

alpha_branding = branding_fixtures.alpha_branding
beta_branding = branding_fixtures.beta_branding
make_image = branding_fixtures.make_image
media_root = branding_fixtures.media_root

NOW = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)
MISSING = "MISSING-VALUE"
KEYS = [kind.key for kind in KINDS]
LOGO_SPEC = "max-480x96"


@pytest.fixture
def owner(db):
    return UserFactory(handle="platform", email="owner@example.com", is_superuser=True, is_staff=True)


@pytest.fixture
def editor(tenant):
    return make_member(tenant, Role.EDITOR, handle="eddie", email="eddie@example.com")


@pytest.fixture
def strict_templates(settings):
    """A variable a template uses but the context lacks shows up instead of rendering as nothing."""
    templates = copy.deepcopy(settings.TEMPLATES)
    for engine in templates:
        if engine["BACKEND"].endswith("DjangoTemplates"):
            engine.setdefault("OPTIONS", {})["string_if_invalid"] = f"{MISSING}[%s]"
    settings.TEMPLATES = templates


def index_url(**query: str) -> str:
    return reverse("email_previews:index") + _query(query)


def detail_url(key: str, **query: str) -> str:
    return reverse("email_previews:detail", args=[key]) + _query(query)


def html_url(key: str, **query: str) -> str:
    return reverse("email_previews:html", args=[key]) + _query(query)


def _query(query: dict[str, str]) -> str:
    return "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else ""


def test_every_email_template_has_a_preview():
    base = Path(django_settings.BASE_DIR)
    on_disk = {
        path.name.removesuffix(".subject.txt") for path in base.glob("*/templates/email/*.subject.txt")
    }
    assert on_disk and on_disk == {kind.template for kind in KINDS}
    assert len(KEYS) == len(set(KEYS))


@pytest.mark.parametrize("key", KEYS)
def test_every_kind_renders_html_and_text_with_every_value_filled(key, tenant, strict_templates):
    kind = kind_named(key)
    preview = render_preview(kind, tenant, "en", now=NOW)
    for rendered in (preview.subject, preview.text, preview.html):
        assert MISSING not in rendered
        assert "{{" not in rendered and "{%" not in rendered
    # No placeholder of the owner's billing texts (or anything else) is left unfilled.
    assert not re.search(r"\{\w+\}", preview.subject + preview.text)
    assert preview.subject.startswith("[Alpha Academy] ") and len(preview.subject) > len("[Alpha Academy] ")
    assert preview.text.strip() and preview.html.lstrip().startswith("<!doctype html>")
    assert "Alpha Academy" in preview.html
    assert preview.from_email == "Alpha Academy <no-reply@lyceum.localhost>"


@pytest.mark.parametrize("key", KEYS)
def test_preview_is_the_email_a_real_send_delivers(key, tenant, outbox):
    """The same context through notify and the dramatiq job gives the very same message."""
    kind = kind_named(key)
    preview = render_preview(kind, tenant, "en", now=NOW)
    with translation.override(django_settings.LANGUAGE_CODE):
        sample = kind.sample(cast_for(tenant, NOW))
    notify(kind.template, tenant=tenant, user=sample.recipient, email="guest@example.com", **sample.context)
    (message,) = outbox()
    assert message["Subject"] == preview.subject
    assert message["From"] == preview.from_email
    assert part(message, "text/plain").replace("\r\n", "\n") == preview.text
    assert part(message, "text/html").replace("\r\n", "\n") == preview.html


def test_preview_carries_the_sites_branding_and_none_of_anothers(
    tenant, other_tenant, alpha_branding, beta_branding, admin_user
):
    client = browser(tenant, admin_user)
    page = client.get(detail_url("room_invitation"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alpha Front Desk" in html and "no-reply@lyceum.localhost" in html
    assert "Alpha Academy" in html and "Beta Reception" not in html and "Beta Clinic" not in html

    email = client.get(html_url("room_invitation"))
    assert email.status_code == 200
    body = email.content.decode()
    logo = "http://alpha.localhost" + alpha_branding.logo.get_rendition(LOGO_SPEC).url
    assert f'src="{logo}"' in body and "#123456" in body and "live appointments" in body
    assert "#654321" not in body and "beta-logo" not in body and "classes" not in body
    assert "Beta" not in body


def test_a_sites_admin_cannot_preview_as_another_site(tenant, other_tenant, beta_branding, admin_user):
    client = browser(tenant, admin_user)
    for url in (
        index_url(site="beta"),
        detail_url("room_invitation", site="beta"),
        html_url("room_invitation", site="beta"),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Beta" not in response.content.decode() and "#654321" not in response.content.decode()
    # Their own site named explicitly is fine; another site's host is closed to them.
    assert client.get(detail_url("room_invitation", site="alpha")).status_code == 200
    assert browser(other_tenant, admin_user).get(index_url()).status_code == 403


def test_the_platform_owner_previews_any_site(tenant, other_tenant, alpha_branding, beta_branding, owner):
    client = browser(tenant, owner)
    page = client.get(detail_url("plan_reminder", site="beta")).content.decode()
    assert "Beta Reception" in page and "Alpha Front Desk" not in page
    assert '<option value="beta" selected>Beta Clinic</option>' in page  # the site chooser
    email = client.get(html_url("plan_reminder", site="beta"))
    body = email.content.decode()
    assert "#654321" in body and "live classes" in body and "#123456" not in body
    assert "http://beta.localhost" in email["Content-Security-Policy"]  # B's logo may load
    # Without a choice, the host's own site.
    assert "Alpha Front Desk" in client.get(detail_url("plan_reminder")).content.decode()
    assert client.get(index_url(site="nowhere")).status_code == 404


def test_only_the_sites_admins_editors_and_the_owner_may_preview(tenant, admin_user, editor, owner, attendee):
    moderator = make_member(tenant, Role.MODERATOR, handle="mod", email="mod@example.com")
    urls = (index_url(), detail_url("payment_receipt"), html_url("payment_receipt"))
    for user in (admin_user, editor, owner):
        client = browser(tenant, user)
        assert [client.get(url).status_code for url in urls] == [200, 200, 200]
        assert index_url() in client.get("/cms/").content.decode()  # Settings → Email previews
        # A site's members see no site chooser.
        chooser = 'name="site"' in client.get(index_url()).content.decode()
        assert chooser == (user == owner)
    for user in (attendee, moderator):
        client = browser(tenant, user)
        assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    anonymous = browser(tenant).get(detail_url("payment_receipt"))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert browser(tenant, admin_user).get(detail_url("no_such_email")).status_code == 404


def test_html_is_served_with_a_strict_policy_into_a_sandboxed_frame(tenant, admin_user):
    client = browser(tenant, admin_user)
    page = client.get(detail_url("registration_approved", lang="fr")).content.decode()
    frame = re.search(r"<iframe\b[^>]*>", page)
    assert frame is not None
    tag = frame.group(0)
    assert re.search(r"\ssandbox[\s>]", tag) and "allow-scripts" not in tag and "allow-same-origin" not in tag
    src = re.search(r'src="([^"]+)"', tag).group(1).replace("&amp;", "&")
    assert src == html_url("registration_approved", lang="fr")
    assert re.search(r"<pre\b[^>]*>Hello Ada Sample,", page)  # the plain text, as is

    response = client.get(src)
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert "sandbox" in directives and directives["sandbox"] == []
    assert directives["default-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"] and directives["form-action"] == ["'none'"]
    assert "script-src" not in directives and "'unsafe-inline'" not in directives["img-src"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_language_switch_follows_through_to_the_email(tenant, admin_user):
    # The project ships no translations of the emails yet: the language shows in the HTML's lang.
    client = browser(tenant, admin_user)
    for language in ("en", "de", "tr"):
        body = client.get(html_url("plan_expired", lang=language)).content.decode()
        assert f'<html lang="{language}">' in body
        page = client.get(detail_url("plan_expired", lang=language)).content.decode()
        assert f'<option value="{language}" selected>' in page
        assert html_url("plan_expired", lang=language).replace("&", "&amp;") in page
    # An unsupported language falls back to the default one.
    assert '<html lang="en">' in client.get(html_url("plan_expired", lang="xx")).content.decode()
    assert {code for code, _ in django_settings.LANGUAGES} >= {"en", "de", "tr"}


def test_previews_write_nothing_and_send_nothing(tenant, alpha_branding, admin_user, owner, outbox, mailbox):
    branding_for_tenant(tenant)  # the logo's renditions exist, as after the site's first page view
    admin, platform = browser(tenant, admin_user), browser(tenant, owner)
    for client in (admin, platform):
        client.get("/cms/")  # the back office's own first-visit rows (the user's admin profile)
    run_on_commit_callbacks()  # the set-up's own
    dramatiq.get_broker().flush_all()
    with CaptureQueriesContext(connection) as queries:
        for client in (admin, platform):
            assert client.get(index_url()).status_code == 200
            for kind in KINDS:
                for language in ("en", "fr"):
                    assert client.get(detail_url(kind.key, lang=language)).status_code == 200
                    assert client.get(html_url(kind.key, lang=language)).status_code == 200
    assert len(queries) > 0
    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", q["sql"], re.IGNORECASE)]
    assert writes == []
    assert not connection.run_on_commit
    assert outbox() == [] and mailbox == []
