"""Resolve the tenant from the request's host and run the request inside its scope."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django_scopes import scope, scopes_disabled
from wagtail.models import Site

from config.api_errors import error_body
from marketplace.models import Tenant
from marketplace.selectors import is_tenant_staff
from payments.tenant_billing_selectors import status_of

# Paths that work without a resolved tenant (the platform owner's back office, files).
# Payment providers post webhooks to the platform's host, whichever tenant the payment is on.
PLATFORM_PATHS = ("/cms/", "/django-admin/", "/static/", "/media/", "/payments/webhooks/")
# Paths that belong to no site at all: the health check answers whichever host is asked.
SITELESS_PATHS = ("/healthz",)


def resolve_tenant(request: HttpRequest) -> Tenant | None:
    site = Site.find_for_request(request)
    if site is None:
        return None
    return Tenant.objects.select_related("site").filter(site=site).first()


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in SITELESS_PATHS:
            request.tenant = None  # type: ignore[attr-defined]
            with scope(tenant=[]):
                return self.get_response(request)
        tenant = resolve_tenant(request)
        request.tenant = tenant  # type: ignore[attr-defined]
        if tenant is not None:
            # The site's billing state, read only where a page shows it (the suspended notice).
            request.tenant_billing = SimpleLazyObject(lambda: status_of(tenant))  # type: ignore[attr-defined]
        path = request.path
        if (tenant is None or not tenant.is_active) and not path.startswith(PLATFORM_PATHS):
            return self._unavailable(request)

        user = request.user
        if path.startswith(("/cms/", "/django-admin/")) and user.is_authenticated:
            if user.is_superuser:
                # The platform owner's back office spans every tenant.
                with scopes_disabled():
                    return self.get_response(request)
            if not is_tenant_staff(user, tenant):
                return HttpResponseForbidden(
                    render_to_string("errors/not_staff.html", {"tenant": tenant}, request=request)
                )
        with scope(tenant=tenant if tenant is not None else []):
            return self.get_response(request)

    @staticmethod
    def _unavailable(request: HttpRequest) -> HttpResponse:
        message = "No active site is configured for this address."
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse(error_body(404, message, "tenant_not_found"), status=404)
        return HttpResponseNotFound(
            render_to_string("errors/no_tenant.html", {"message": message}, request=request)
        )
