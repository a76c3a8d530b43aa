"""URL map: accounts, dashboard, API, Wagtail admin and, last, Wagtail's page tree."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config import api_errors, health
from marketplace import calendar_views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("dashboard/", include("marketplace.dashboard.urls")),
    path("payments/", include("payments.urls")),
    path("rooms/<uuid:room_id>/calendar.ics", calendar_views.room_calendar, name="room-calendar"),
    path("", include("conferencing.page_urls")),  # the join page at rooms/<id>/join/
    path("conferencing/", include("conferencing.urls")),
    path("api/v1/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", api_errors.api_not_found),
    path("cms/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("cms.seo.urls")),  # sitemap.xml and robots.txt of the request's tenant
    path("branding/", include("cms.branding.urls")),  # per-tenant theme and custom stylesheet
    path("", include("marketplace.public_urls")),  # rooms at /@handle/<slug>/, before Wagtail's pages
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "config.api_errors.page_not_found"
