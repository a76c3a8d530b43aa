"""A strict Content-Security-Policy for the public site and the dashboard."""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def build_policy(extra_sources: list[str]) -> str:
    """No inline or evaluated scripts; only our own origin plus the named providers' (Stripe)."""
    origins = " ".join(sorted({f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in extra_sources}))
    extra = f" {origins}" if origins else ""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self'{extra}",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "font-src 'self'",
            f"connect-src 'self'{extra}",
            f"frame-src 'self'{extra}",
            "frame-ancestors 'none'",
            "form-action 'self' https:",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.CSP_EXEMPT_PREFIXES):
            response.setdefault("Content-Security-Policy", build_policy(settings.CSP_EXTRA_SOURCES))
        return response
