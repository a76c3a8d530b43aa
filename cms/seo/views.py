"""/sitemap.xml and /robots.txt, answered per tenant (the request's host)."""

from __future__ import annotations

from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from cms.seo.metadata import absolute_url
from cms.seo.sitemaps import sitemaps_for

# Signed-in areas and machine endpoints: nothing there for search engines.
DISALLOWED = ("/dashboard/", "/cms/", "/api/", "/accounts/", "/django-admin/")


@require_GET
@cache_control(max_age=3600, public=True)
def sitemap(request: HttpRequest) -> HttpResponse:
    return django_sitemap(request, sitemaps_for(request, request.tenant), template_name="cms/seo/sitemap.xml")


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Allow: /",
        *(f"Disallow: {path}" for path in DISALLOWED),
        "",
        f"Sitemap: {absolute_url(request.tenant, reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
