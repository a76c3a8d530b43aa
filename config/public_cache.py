"""Whole answers of a public site, served from the cache until the site changes.

Explore's API answers the same questions to many visitors. A view opts in with
`public_answers = True` on its class, then per response (`keep_publicly`) when its answer is the
same for everyone who may see it. The middleware, near
the top of the stack, then keeps the finished answer (body and headers) and replays it to the
next visitor who asks the same thing, before sessions, the tenant lookup and the view run at all.

- Versions belong to hostnames. The middleware reads the hostname's version (in the same round
  trip as the kept answer) before anything else reads data, and keeps a fresh answer under it:
  a change that commits at any moment after that makes the answer stale.
- Every committed change to what such answers show gives the site's hostname a new random
  version (`site_changed`, wired in search/answer_signals.py and after each index update), so a
  kept answer is never served after one. A site saved (a hostname moved, a site added on a
  hostname) renews its old and new hostnames. A version lost from the cache is replaced by a
  new random one, never by one an old answer was kept under.
- Only sites whose content is public take part (`Tenant.public_content_visible`): on a site for
  signed-in people only, answers depend on who asks, so none is kept.
- Visitors signed in with a session share the kept answers: on a public site they see what
  anyone sees. Requests with an Authorization header never do: a bad token must still get its
  401.
- An answer is kept only when it is a JSON 200 that sets no cookie, for a host whose name is the
  site's own (a host served by the default site is not cached).
- The key holds the scheme, the Host header as sent, the path, the query (parameters in a stable
  order), Accept, Accept-Language and the language cookie: a view that opts in promises its
  answer depends on nothing else.
- The time to live (PUBLIC_RESPONSE_CACHE_SECONDS) bounds what the clock alone changes, such as
  which session is next. Answers served from the cache do not count against the API's rate
  limit: they cost the server next to nothing.
- The cache failing (Redis down, an entry that no longer unpickles) only costs the answer its
  shortcut: the request runs as if nothing were kept.

With the default per-process cache, a change made by another process (the worker) is seen by
the web process only when its copy expires; production uses a shared cache (Redis).
"""

from __future__ import annotations

import functools
import hashlib
import logging
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
from django.urls import Resolver404, resolve

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kept:
    version: int
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    kept_at: float


def _version_key(hostname: str) -> str:
    return f"public-answers:version:{hostname.lower()}"


def _new_version() -> int:
    return secrets.randbits(62)


def hostname_changed(hostname: str) -> None:
    """Every answer kept for the hostname is stale from now on."""
    if not hostname:
        return
    try:
        cache.set(_version_key(hostname), _new_version(), timeout=None)
    except Exception:
        # Without a cache nothing is served from it; a stale version left behind expires with
        # the answers kept under it.
        logger.warning("Could not renew the public answers' version of %s", hostname, exc_info=True)


def site_changed(tenant_id: int) -> None:
    """Every answer kept for the site is stale from now on (call once the change commits)."""
    from marketplace.models import Tenant

    hostname = Tenant.objects.filter(pk=tenant_id).values_list("site__hostname", flat=True).first()
    hostname_changed(hostname or "")


def keep_publicly(response: HttpResponse, tenant_id: int) -> HttpResponse:
    """Offer the response for keeping: only an answer that depends on nothing but the site's data
    and the request's key (see _answer_key), never on who asks."""
    response.public_answer = tenant_id  # type: ignore[attr-defined]
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


def _site_hostname(tenant: Any) -> str:
    site = getattr(tenant, "site", None)
    return site.hostname.lower() if site is not None else ""


def _read(key: str, version_key: str) -> tuple[Kept | None, int | None]:
    """The kept answer (if any) and the hostname's version, in one round trip; a lost version is
    replaced by a new random one."""
    found = cache.get_many([key, version_key])
    version = found.get(version_key)
    if version is None:
        cache.add(version_key, _new_version(), timeout=None)
        version = cache.get(version_key)
    kept = found.get(key)
    return (kept if isinstance(kept, Kept) else None), version


class PublicAnswerCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.PUBLIC_RESPONSE_CACHE_SECONDS
        if seconds <= 0 or request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
            return self.get_response(request)
        if not _opted_in(request.path_info):
            return self.get_response(request)
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # The usual 400, from the usual place.
        hostname = split_domain_port(host)[0]
        key = _answer_key(request, host)
        try:
            kept, version = _read(key, _version_key(hostname))
        except Exception:
            logger.warning("Public answers' cache unavailable", exc_info=True)
            return self.get_response(request)
        if version is None:  # a cache that keeps nothing
            return self.get_response(request)
        if kept is not None and kept.version == version and time.time() - kept.kept_at < seconds:
            return _replay(kept)
        response = self.get_response(request)
        if _keepable(request, response, hostname):
            try:
                headers = tuple(
                    (name, value) for name, value in response.items() if name.lower() != "set-cookie"
                )
                cache.set(
                    key, Kept(version, response.status_code, headers, response.content, time.time()), seconds
                )
            except Exception:
                logger.warning("Could not keep a public answer", exc_info=True)
        return response


@functools.lru_cache(maxsize=1024)
def _opted_in(path: str) -> bool:
    """Whether the path's view keeps public answers (`public_answers = True` on its class)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return bool(getattr(getattr(match.func, "view_class", match.func), "public_answers", False))


def _keepable(request: HttpRequest, response: HttpResponse, hostname: str) -> bool:
    offered = getattr(response, "public_answer", None)
    if offered is None or response.status_code != 200 or response.cookies or response.streaming:
        return False
    if not response.get("Content-Type", "").startswith("application/json"):
        return False  # the browsable API's page shows who is signed in
    tenant = getattr(request, "tenant", None)
    return (
        tenant is not None
        and offered == tenant.pk
        and tenant.public_content_visible
        and _site_hostname(tenant) == hostname.lower()
    )


def _replay(kept: Kept) -> HttpResponse:
    response = HttpResponse(kept.content, status=kept.status)
    for name, value in kept.headers:
        response[name] = value
    response["Age"] = str(max(0, int(time.time() - kept.kept_at)))  # as HTTP caches say it (RFC 9111)
    return response
