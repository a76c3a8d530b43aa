"""WAGTAILSEARCH_BACKENDS from one URL, read by the settings (so: no Django imports here).

- empty (the default): Wagtail's database backend, full text in PostgreSQL or SQLite (FTS5);
- `elasticsearch8://host:9200` (also `elasticsearch7`, `elasticsearch9`, `opensearch2`, `opensearch3`):
  that engine over HTTP; `elasticsearch8+https://user:password@host:9200` over HTTPS with basic auth;
  several nodes as `elasticsearch8://node1:9200,node2:9200`.

Each engine needs its client library installed (`elasticsearch` or `opensearch-py`, the major
version matching the server).
"""

from __future__ import annotations

from urllib.parse import urlsplit

DATABASE = {"BACKEND": "wagtail.search.backends.database"}
ENGINES = ("elasticsearch7", "elasticsearch8", "elasticsearch9", "opensearch2", "opensearch3")
TRANSPORTS = ("http", "https")


class SearchBackendUrlError(ValueError):
    """The URL names no engine we know; settings fail loudly rather than search the wrong place."""


def search_backends(url: str, *, index_prefix: str = "lyceum_", timeout: int = 10) -> dict[str, dict]:
    if not url.strip():
        return {"default": dict(DATABASE)}
    parts = urlsplit(url.strip())
    engine, _, transport = parts.scheme.partition("+")
    transport = transport or "http"
    if engine not in ENGINES:
        raise SearchBackendUrlError(
            f"SEARCH_BACKEND_URL: unknown engine {engine!r}; use one of {', '.join(ENGINES)}."
        )
    if transport not in TRANSPORTS:
        raise SearchBackendUrlError(f"SEARCH_BACKEND_URL: use {engine}:// or {engine}+https://.")
    credentials, _, hosts = parts.netloc.rpartition("@")
    if not hosts:
        raise SearchBackendUrlError("SEARCH_BACKEND_URL: name at least one host, e.g. host:9200.")
    userinfo = f"{credentials}@" if credentials else ""
    urls = [f"{transport}://{userinfo}{host}{parts.path}" for host in hosts.split(",") if host]
    return {
        "default": {
            "BACKEND": f"wagtail.search.backends.{engine}",
            "URLS": urls,
            "INDEX_PREFIX": index_prefix,
            "TIMEOUT": timeout,
        }
    }
