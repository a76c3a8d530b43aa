"""Whole answers of a public site, served from the cache until the site changes.

Explore's API answers the same questions to many visitors. A view opts in per response
(`keep_publicly`) when its answer is the same for everyone who may see it, naming the site and
the site's *version* read before it read any data. The middleware, near the top of the stack,
then keeps the finished answer (body and headers) and replays it to the next visitor who asks
the same thing, before sessions, the tenant lookup and the view run at all.

- Only sites whose content is public take part (`Tenant.public_content_visible`): on a site for
  signed-in people only, answers depend on who asks, so none is kept.
- Visitors signed in with a session share the kept answers: on a public site they see what
  anyone sees. Requests with an Authorization header never do: a bad token must still get its
  401.
- An answer is kept only when it is a 200 that sets no cookie, for a host that names the site
  exactly (a host served by the default site is not cached).
- The key holds the scheme, host, path, query (parameters in a stable order), Accept,
  Accept-Language and the language cookie: a view that opts in promises its answer depends on
  nothing else.
- Every committed change to what such answers show raises the site's version
  (`site_changed`, wired in search/answer_signals.py), so a kept answer is never served after one.
  The time to live (PUBLIC_RESPONSE_CACHE_SECONDS) bounds what the clock alone changes, such
  as which session is next. Answers served from the cache do not count against the API's rate
  limit: they cost the server next to nothing.

With the default per-process cache, a change made by another process (the worker) is seen by
the web process only when its copy expires; production uses a shared cache (Redis).
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port

# Paths a view has opted in for, learnt from responses: other requests skip the cache lookup.
# Bounded so that a view with a parameter in its path cannot make it grow without end.
MAX_LEARNT_PATHS = 1000
_learnt_paths: set[str] = set()


@dataclass(frozen=True)
class Kept:
    tenant_id: int
    version: int
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    kept_at: float


def _version_key(tenant_id: int) -> str:
    return f"public-answers:version:{tenant_id}"


def site_version(tenant_id: int) -> int:
    """The site's version now. A version lost from the cache restarts at a random number, so an
    answer kept under the lost one can never match again."""
    if settings.PUBLIC_RESPONSE_CACHE_SECONDS <= 0:
        return 0  # nothing is kept: no need to ask the cache
    key = _version_key(tenant_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, secrets.randbits(62), timeout=None)
        version = cache.get(key)
    return int(version)


def site_changed(tenant_id: int) -> None:
    """Every answer kept for the site is stale from now on."""
    with contextlib.suppress(ValueError):  # None kept: the next reader starts a new random one.
        cache.incr(_version_key(tenant_id))


def keep_publicly(response: HttpResponse, tenant_id: int, version: int) -> HttpResponse:
    """Offer the response for keeping; `version` is site_version() read before the view read data.

    Only for answers that depend on nothing but the site's data and the request's key (see
    _answer_key), never on who asks."""
    response.public_answer = (tenant_id, version)  # type: ignore[attr-defined]
    return response


def _answer_key(request: HttpRequest, host: str) -> str:
    # A stable order of the parameters; a name given twice keeps its values' order (the last wins).
    query = sorted(request.GET.lists(), key=lambda item: item[0])
    parts = [
        request.scheme or "",
        host,
        request.path,
        repr(query),
        request.META.get("HTTP_ACCEPT", ""),
        request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"public-answers:{digest}"


def _host_matches_site(tenant: Any, host: str) -> bool:
    site = getattr(tenant, "site", None)
    return site is not None and split_domain_port(host)[0] == site.hostname.lower()


class PublicAnswerCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.PUBLIC_RESPONSE_CACHE_SECONDS
        if seconds <= 0 or request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
            return self.get_response(request)
        try:
            host = request.get_host().lower()
        except DisallowedHost:
            return self.get_response(request)  # The usual 400, from the usual place.
        key = _answer_key(request, host) if request.path in _learnt_paths else None
        if key is not None:
            kept = cache.get(key)
            if isinstance(kept, Kept) and kept.version == site_version(kept.tenant_id):
                return _replay(kept)
        response = self.get_response(request)
        offer = getattr(response, "public_answer", None)
        if offer is None or response.status_code != 200 or response.cookies or response.streaming:
            return response
        tenant = getattr(request, "tenant", None)
        if tenant is None or offer[0] != tenant.pk or not tenant.public_content_visible:
            return response
        if not _host_matches_site(tenant, host):
            return response
        if len(_learnt_paths) < MAX_LEARNT_PATHS:
            _learnt_paths.add(request.path)
        headers = tuple((name, value) for name, value in response.items() if name.lower() != "set-cookie")
        kept = Kept(offer[0], offer[1], response.status_code, headers, response.content, time.time())
        cache.set(key or _answer_key(request, host), kept, seconds)
        return response


def _replay(kept: Kept) -> HttpResponse:
    response = HttpResponse(kept.content, status=kept.status)
    for name, value in kept.headers:
        response[name] = value
    response["Age"] = str(max(0, int(time.time() - kept.kept_at)))  # as HTTP caches say it (RFC 9111)
    return response
