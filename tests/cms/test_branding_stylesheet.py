"""A site's custom stylesheet: every forbidden construct refused with the line and the reason,
allowed CSS saved, versioned and served as its own file."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from wagtail.documents import get_document_model

from cms.branding.stylesheet import stylesheet_problems
from marketplace.roles import Role
from tests.cms import branding_fixtures
from tests.cms.branding_fixtures import brand, browser
from tests.factories import make_member

pytestmark = [
    pytest.mark.django_db,
    # Wagtail leaves the temporary file of a new rendition for the garbage collector to close
    # (wagtail/wagtail#14055); harmless, but `filterwarnings = error` would fail the test on it.
    pytest.mark.filterwarnings("ignore:Unclosed file <tempfile.SpooledTemporaryFile:ResourceWarning"),
]

# Fixtures from the shared module, bound here so pytest finds them for this module.
make_image = branding_fixtures.make_image
media_root = branding_fixtures.media_root

FORBIDDEN = [
    ("@import url(/media/base.css);", "Line 1: @import is not allowed"),
    ('a { color: red }\n\n@import "x.css";', "Line 3: @import is not allowed"),
    ("@namespace svg url(http://www.w3.org/2000/svg);", "Line 1: @namespace is not allowed"),
    ("a { background: url(https://evil.example/x.png) }", 'url("https://evil.example/x.png") is not allowed'),
    ('a { background: url("//evil.example/x.png") }', 'url("//evil.example/x.png") is not allowed'),
    ("a { background: url(data:image/png;base64,AAAA) }", "is not allowed: only images and documents"),
    ("a { background: url(/media/original_images/nobody.png) }", "only images and documents uploaded"),
    ("a { background: url(/media/../secret.txt) }", "only images and documents uploaded"),
    ("a { background: image-set('https://evil.example/x.png' 1x) }", 'url("https://evil.example/x.png")'),
    ("@font-face { src: url(https://fonts.example/f.woff2) }", 'url("https://fonts.example/f.woff2")'),
    ("a { background: image-set(var(--picture) 1x) }", "image-set() needs its addresses written out"),
    ("a { background: u\\rl(https://evil.example/x.png) }", 'url("https://evil.example/x.png") is not'),
    ("a { background: url(var(--picture)) }", "This is not valid CSS (bad URL token)"),
    ("a { background: src(var(--picture)) }", "src() needs one address in quotes"),
    ("@media print { @import 'print.css'; }", "Line 1: @import is not allowed"),
    ("a { --picture: url(https://evil.example/x.png) }", 'url("https://evil.example/x.png") is not allowed'),
    ("a { width: expression(alert(1)) }", "Line 1: expression() is not allowed"),
    ("a {\n  width: e\\xpression(alert(1));\n}", "Line 2: expression() is not allowed"),
    ("a { background: url(javascript:void) }", '"javascript:" is not allowed'),
    ("a { background: url(javascript:alert(1)) }", "This is not valid CSS (bad URL token)"),
    ("a { background: url( 'JavaScript:alert(1)' ) }", '"javascript:" is not allowed'),
    ("a { font-family: 'javascript:x' }", '"javascript:" is not allowed'),
    ("a { behavior: url(/media/x.htc) }", '"behavior" is not allowed'),
    ("a { -ms-behavior: none }", '"-ms-behavior" is not allowed'),
    ("a { -moz-binding: none }", '"-moz-binding" is not allowed'),
    ("</style><script>alert(1)</script>", "Line 1: </style> is not allowed"),
    ("a::after {\n  content: '<b>';\n}", 'Line 2: "<" is not allowed'),
    ("hello world", "Line 1: This is not valid CSS"),
    ("a {\n  color red;\n}", "Line 2: This is not valid CSS"),
    ('a { content: "unclosed\n}', "This is not valid CSS"),
    ("a { color: red } }", "This is not valid CSS"),
    ("/* big */\n" + "a { color: red }\n" * 7000, "it may be at most 100 KB"),
]


@pytest.mark.parametrize(("css", "message"), FORBIDDEN, ids=[message for _, message in FORBIDDEN])
def test_forbidden_stylesheet_is_refused_with_the_reason_and_line(tenant, css, message):
    with pytest.raises(ValidationError) as refused:
        brand(tenant, custom_css=css)
    errors = refused.value.message_dict["custom_css"]
    assert any(message in error for error in errors), errors


def test_every_problem_is_listed_in_line_order():
    css = "@import 'a.css';\na { width: expression(1) }\nb { behavior: none }"
    problems = [str(problem) for problem in stylesheet_problems(css, url_allowed=lambda url: True)]
    assert [problem.split(":")[0] for problem in problems] == ["Line 1", "Line 2", "Line 3"]


def test_another_sites_upload_is_refused(tenant, other_tenant, make_image):
    theirs = make_image("beta-photo", uploaded_by=make_member(other_tenant, Role.EDITOR))
    with pytest.raises(ValidationError) as refused:
        brand(tenant, custom_css=f"body {{ background: url({theirs.file.url}) }}")
    assert "only images and documents uploaded to this site" in refused.value.message_dict["custom_css"][0]


ALLOWED = """/* Our look */
@media (min-width: 40rem) {
  .topbar { background: url({photo}) no-repeat; }
  .hero { background-image: url("{rendition}"); }
}
@font-face { font-family: "House"; src: url({font}) format("woff2"); }
.btn-primary:hover { filter: brightness(1.2); }
.card > h2 { color: var(--color-accent); }
"""


def test_allowed_stylesheet_is_saved_versioned_and_served(tenant, other_tenant, make_image):
    editor = make_member(tenant, Role.EDITOR)
    photo = make_image("alpha-photo", uploaded_by=editor)
    rendition = photo.get_rendition("width-200")
    font = get_document_model().objects.create(
        title="House font", file=photo.file.name, uploaded_by_user=editor
    )
    css = ALLOWED.replace("{photo}", photo.file.url).replace("{rendition}", rendition.url)
    css = css.replace("{font}", font.file.url)
    row = brand(tenant, custom_css=css)
    assert len(row.custom_css_version) == 12

    client = browser(tenant)
    served = client.get(f"/branding/{row.custom_css_version}.css")
    assert served.status_code == 200 and served.content.decode() == css
    assert served["Content-Type"] == "text/css; charset=utf-8"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Cache-Control"] == "public, max-age=31536000, immutable"
    # Linked last in <head>, after our stylesheet and the theme, so it wins.
    head = client.get("/").content.decode().split("</head>")[0]
    assert head.rstrip().endswith(f'<link rel="stylesheet" href="/branding/{row.custom_css_version}.css">')
    # Only on its own site's host.
    assert browser(other_tenant).get(f"/branding/{row.custom_css_version}.css").status_code == 404


def test_logo_chosen_here_may_be_used(tenant, make_image):
    logo = make_image("alpha-logo-upload")  # uploaded by the platform owner, chosen as this site's logo
    row = brand(tenant, logo=logo, custom_css=f".topbar {{ background: url({logo.file.url}) }}")
    assert row.custom_css_version


def test_new_content_gets_a_new_version_and_the_old_one_is_gone(tenant):
    first = brand(tenant, custom_css="a { color: red }").custom_css_version
    second = brand(tenant, custom_css="a { color: blue }").custom_css_version
    assert first != second
    client = browser(tenant)
    assert client.get(f"/branding/{first}.css").status_code == 404
    assert client.get(f"/branding/{second}.css").status_code == 200


def test_empty_stylesheet_is_not_served_or_linked(tenant):
    old = brand(tenant, custom_css="a { color: red }").custom_css_version
    row = brand(tenant, custom_css="")
    assert row.custom_css_version == ""
    client = browser(tenant)
    assert client.get(f"/branding/{old}.css").status_code == 404
    assert "/branding/" in client.get("/").content.decode()  # the theme
    assert f"/branding/{old}.css" not in client.get("/").content.decode()
