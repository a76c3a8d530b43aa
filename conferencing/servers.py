"""Which BBB endpoint serves a tenant, a client for it, and a health check.

A tenant's own active endpoint (back office) wins; otherwise the platform's from settings. A
Scalelite URL is just another endpoint. Callbacks are verified with the secret of the endpoint the
meeting was created on, which `endpoint_by_url` finds again from the session's stored URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from conferencing.bbb.client import BBBClient
from conferencing.bbb.errors import BBBError
from conferencing.exceptions import NotConfigured
from conferencing.models import ServerSettings
from marketplace.models import Tenant


@dataclass(frozen=True)
class Endpoint:
    url: str
    secret: str
    algorithm: str

    @property
    def host(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.url).netloc


def _normalised(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def platform_endpoint() -> Endpoint | None:
    if not (settings.BBB_ENDPOINT and settings.BBB_SECRET):
        return None
    return Endpoint(_normalised(settings.BBB_ENDPOINT), settings.BBB_SECRET, settings.BBB_CHECKSUM_ALGORITHM)


def endpoint_for(tenant: Tenant) -> Endpoint:
    with scope(tenant=tenant):
        own = ServerSettings.objects.filter(tenant=tenant, is_active=True).first()
    if own is not None:
        return Endpoint(_normalised(own.endpoint), own.secret, own.algorithm)
    platform = platform_endpoint()
    if platform is None:
        raise NotConfigured(
            "No meeting server is configured for this site yet. Please tell the site's admins."
        )
    return platform


def endpoint_by_url(tenant: Tenant, url: str) -> Endpoint | None:
    """The endpoint (with its secret) a meeting was created on, if it is still configured."""
    url = _normalised(url)
    with scope(tenant=tenant):
        own = [
            Endpoint(_normalised(s.endpoint), s.secret, s.algorithm)
            for s in ServerSettings.objects.filter(tenant=tenant)
        ]
    for candidate in (*own, platform_endpoint()):
        if candidate is not None and candidate.url == url:
            return candidate
    return None


def client_for(endpoint: Endpoint) -> BBBClient:
    return BBBClient(
        endpoint.url,
        endpoint.secret,
        algorithm=endpoint.algorithm,
        timeout=settings.BBB_TIMEOUT_SECONDS,
        retries=settings.BBB_RETRIES,
    )


@dataclass(frozen=True)
class HealthReport:
    endpoint: str
    ok: bool
    message: str


def check(endpoint: Endpoint) -> HealthReport:
    """Ask the server for its version and for its meetings (the latter proves the secret is right)."""
    client = client_for(endpoint)
    try:
        version = client.api_version()
        meetings = client.get_meetings()
    except BBBError as error:
        return HealthReport(endpoint.url, False, str(error.message))
    return HealthReport(endpoint.url, True, f"API {version}, {len(meetings)} meeting(s) running.")


def check_all() -> list[HealthReport]:
    """Every configured endpoint once (the platform's and each tenant's), recording tenants' results."""
    reports = []
    platform = platform_endpoint()
    if platform is not None:
        reports.append(check(platform))
    with scopes_disabled():
        servers = list(ServerSettings.objects.filter(is_active=True).select_related("tenant"))
    for server in servers:
        report = check(Endpoint(_normalised(server.endpoint), server.secret, server.algorithm))
        with scopes_disabled():
            ServerSettings.objects.filter(pk=server.pk).update(
                last_checked_at=timezone.now(),
                last_check_ok=report.ok,
                last_check_message=report.message[:300],
            )
        reports.append(report)
    return reports
