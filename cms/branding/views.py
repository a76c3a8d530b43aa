"""The branding stylesheets, one pair per tenant host, each at a URL that names its content.

Because the version in the URL is a hash of the content, a response may be cached for a year
(`immutable`): new content always gets a new URL. A request for any other version answers 404
instead of today's content, which a cache would otherwise keep under the old name.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from cms.branding.context import settings_row, theme_of

YEAR_SECONDS = 365 * 24 * 3600


def _css_response(content: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={YEAR_SECONDS}, immutable"
    # Never let a browser guess another type for text a tenant wrote.
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def theme(request: HttpRequest, version: str) -> HttpResponse:
    tenant = getattr(request, "tenant", None)
    current = theme_of(settings_row(tenant.site if tenant is not None else None))
    if version != current.version():
        raise Http404("No such theme version.")
    return _css_response(current.css())


@require_GET
def stylesheet(request: HttpRequest, version: str) -> HttpResponse:
    tenant = getattr(request, "tenant", None)
    row = settings_row(tenant.site if tenant is not None else None)
    if not row.custom_css.strip() or version != row.custom_css_version:
        raise Http404("No such stylesheet version.")
    return _css_response(row.custom_css)
