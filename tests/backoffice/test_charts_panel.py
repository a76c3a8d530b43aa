"""The back office's home panel of figures: its form, chart frames and CSV links, and its files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from marketplace.roles import Role
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db

SERIES_COUNT = 12


def _panel(html: str) -> str:
    start = html.index("data-figures ")
    return html[start : html.index("</section>", start)]


def test_admin_home_has_the_figures_panel(tenant, admin_user):
    client = Client(HTTP_HOST=tenant.hostname)
    client.force_login(admin_user)
    html = client.get("/cms/", {"start": "2026-03-02", "end": "2026-03-15", "group": "week"}).content.decode()
    panel = _panel(html)
    assert "<script" not in panel  # the charts come from a file, never inline
    assert 'src="/static/js/backoffice-charts.js"' in html
    assert "vendor/uplot/uPlot-1.6.32.iife.min.js" in html
    assert 'value="2026-03-02"' in panel
    assert '<option value="week" selected>' in panel
    assert panel.count("Download CSV") == SERIES_COUNT
    assert (
        "/api/v1/stats/recharges/?start=2026-03-02&amp;end=2026-03-15&amp;group=week&amp;currency=USD"
        in panel
    )
    assert 'name="tenant"' not in panel  # only the owner chooses a tenant


def test_panel_for_the_owner_offers_tenants_and_reports_bad_dates(tenant, other_tenant):
    client = Client(HTTP_HOST=tenant.hostname)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    panel = _panel(client.get("/cms/", {"start": "2026-03-10", "end": "2026-03-01"}).content.decode())
    assert '<option value="beta">Beta Clinic</option>' in panel
    assert "The start must not be after the end." in panel


def test_editors_do_not_see_the_figures(tenant):
    client = Client(HTTP_HOST=tenant.hostname)
    client.force_login(make_member(tenant, Role.EDITOR))
    response = client.get("/cms/")
    assert response.status_code == 200
    assert "data-figures" not in response.content.decode()


def test_chart_files_are_served_with_the_library_licence():
    for path in (
        "js/backoffice-charts.js",
        "css/backoffice-charts.css",
        "vendor/uplot/uPlot-1.6.32.iife.min.js",
        "vendor/uplot/uPlot-1.6.32.min.css",
        "vendor/uplot/LICENSE",
    ):
        assert finders.find(path), path
    script = Path(finders.find("js/backoffice-charts.js")).read_text(encoding="utf-8")
    assert "eval(" not in script
    assert "new Function" not in script
