"""Back office: previews of every email (cms.email_previews) on a site, in a chosen language.

Open to the site's admins and editors, who see their own site's branding only (the site comes from
the request's host), and to the platform owner, who may pick any site. The detail page shows the
subject, the sender, the plain text and the HTML part; the HTML is served by its own URL, with a
Content-Security-Policy that runs nothing and loads only images, and shown in a sandboxed iframe.
Previews save nothing and send nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.email_previews import KINDS, EmailKind, kind_named, render_preview
from marketplace.models import Tenant
from marketplace.selectors import is_tenant_staff

NAMESPACE = "email_previews"


def may_preview(request: HttpRequest) -> bool:
    """The site's admins and editors, and the platform owner."""
    user = request.user
    return (
        user.is_authenticated and user.is_active and is_tenant_staff(user, getattr(request, "tenant", None))
    )


def html_policy(tenant: Tenant) -> str:
    """Nothing runs, nothing is sent; only inline styles and images of the site's own files."""
    origins = {"'self'"}
    for url in (tenant.root_url, settings.MEDIA_URL):
        parts = urlsplit(url or "")
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return "; ".join(
        [
            "sandbox",
            "default-src 'none'",
            f"img-src {' '.join(sorted(origins))} data:",
            "style-src 'unsafe-inline'",
            "frame-ancestors 'self'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


@dataclass(frozen=True)
class Choice:
    """Which site's branding and which language a preview uses."""

    tenant: Tenant
    language: str
    owner: bool

    @property
    def query(self) -> str:
        values = {"site": self.tenant.slug, "lang": self.language} if self.owner else {"lang": self.language}
        return urlencode(values)


def choice_for(request: HttpRequest) -> Choice:
    """The request's site (or, for the platform owner, the one picked) and a supported language.

    Another site's slug from anyone but the owner answers 404, like every cross-site address.
    """
    own: Tenant | None = getattr(request, "tenant", None)
    slug = request.GET.get("site", "")
    owner = request.user.is_superuser
    if owner:
        tenants = Tenant.objects.select_related("site").order_by("name")
        tenant = tenants.filter(slug=slug).first() if slug else own or tenants.first()
    else:
        tenant = own if not slug or (own is not None and slug == own.slug) else None
    if tenant is None:
        raise Http404("No such site.")
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return Choice(tenant=tenant, language=language, owner=owner)


class PreviewAccessMixin:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_preview(request):
            raise PermissionDenied
        self.choice = choice_for(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_kind(self) -> EmailKind:
        kind = kind_named(self.kwargs["key"])  # type: ignore[attr-defined]
        if kind is None:
            raise Http404("No such email.")
        return kind

    def choice_context(self) -> dict[str, Any]:
        choice = self.choice
        return {
            "choice": choice,
            "languages": settings.LANGUAGES,
            "tenants": Tenant.objects.order_by("name") if choice.owner else (),
        }


class IndexView(PreviewAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/admin/email_previews/index.html"
    page_title = "Email previews"
    header_icon = "mail"

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        query = self.choice.query
        rows = [(kind, f"{reverse(f'{NAMESPACE}:detail', args=[kind.key])}?{query}") for kind in KINDS]
        return {**super().get_context_data(**kwargs), **self.choice_context(), "rows": rows}


class DetailView(PreviewAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/admin/email_previews/detail.html"
    header_icon = "mail"

    @cached_property
    def kind(self) -> EmailKind:
        return self.get_kind()

    def get_page_title(self) -> str:
        return self.kind.title

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        index = f"{reverse(f'{NAMESPACE}:index')}?{self.choice.query}"
        return [
            *self.breadcrumbs_items,
            {"url": index, "label": "Email previews"},
            {"url": "", "label": self.kind.title},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        choice = self.choice
        preview = render_preview(self.kind, choice.tenant, choice.language)
        html_url = f"{reverse(f'{NAMESPACE}:html', args=[self.kind.key])}?{choice.query}"
        return {
            **super().get_context_data(**kwargs),
            **self.choice_context(),
            "kind": self.kind,
            "preview": preview,
            "html_url": html_url,
        }


@method_decorator([never_cache, xframe_options_sameorigin], name="dispatch")
class HtmlView(PreviewAccessMixin, View):
    """The HTML part alone, for the detail page's sandboxed iframe."""

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        preview = render_preview(self.get_kind(), self.choice.tenant, self.choice.language)
        response = HttpResponse(preview.html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = html_policy(self.choice.tenant)
        response["X-Content-Type-Options"] = "nosniff"
        response["Referrer-Policy"] = "no-referrer"
        return response


class EmailPreviewMenuItem(MenuItem):
    """Settings → Email previews, for whoever may open them."""

    def is_shown(self, request: HttpRequest) -> bool:
        return may_preview(request)


# Under /cms/email-previews/ (cms.wagtail_hooks), in the "email_previews" namespace.
urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    path("<slug:key>/", DetailView.as_view(), name="detail"),
    path("<slug:key>/html/", HtmlView.as_view(), name="html"),
]
