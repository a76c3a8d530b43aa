"""What the Explore page shows: the form as the visitor filled it, one page of results, the links.

Everything is in the query string, so a search is a link to share and the page needs no script;
bad values are named next to the form and left out of the search, never a broken page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from django_scopes import scope

from marketplace.models import FeeModel, Tenant, Topic
from marketplace.profile_pages import language_names
from search.params import ExploreParams, parse_params
from search.queries import ExploreResults, explore_with
from search.selectors import listed_profiles

if TYPE_CHECKING:
    from search.models import ExplorePage

SUGGESTED_TOPICS = 8
PAGE_WINDOW = 2  # page links shown either side of the current one
# The empty choice lets the query decide: best match when there are words, newest without.
SORT_CHOICES = [
    ("", "Best match, or newest"),
    ("newest", "Newest"),
    ("price", "Lowest price"),
    ("soonest", "Soonest session"),
]
FREE_LABELS = {"true": "Free only", "false": "Paid only"}


def _tenant_of(page: ExplorePage, request: HttpRequest) -> Tenant:
    site = page.get_site()
    tenant = Tenant.objects.select_related("site").filter(site=site).first() if site else None
    tenant = tenant or getattr(request, "tenant", None)
    if tenant is None:
        raise Http404("No site for this page.")
    return tenant


def _link(path: str, values: dict[str, str]) -> str:
    return f"{path}?{urlencode(values)}" if values else path


def _page_links(path: str, params: ExploreParams, results: ExploreResults) -> list[dict[str, Any]]:
    """Numbered links around the current page, the first and the last; None marks a gap."""
    base = params.query_string_values()
    shown = {1, results.pages, *range(results.page - PAGE_WINDOW, results.page + PAGE_WINDOW + 1)}
    links: list[dict[str, Any]] = []
    previous = 0
    for number in sorted(n for n in shown if 1 <= n <= results.pages):
        if number > previous + 1:
            links.append({"gap": True})
        values = {**base, "page": str(number)} if number > 1 else base
        links.append({"number": number, "url": _link(path, values), "current": number == results.page})
        previous = number
    return links


def _language_options(tenant: Tenant) -> list[dict[str, str]]:
    codes: set[str] = set()
    for languages in listed_profiles(tenant).values_list("languages", flat=True):
        codes.update(code for code in languages or [] if isinstance(code, str))
    ordered = sorted(codes)
    return sorted(
        ({"code": code, "name": name} for code, name in zip(ordered, language_names(ordered), strict=True)),
        key=lambda option: option["name"].lower(),
    )


def _suggested_topics(tenant: Tenant) -> list[Topic]:
    """The topics most hosts here teach, to try when a search found nothing."""
    listed = listed_profiles(tenant).values("pk")
    counted = Topic.objects.filter(tenant=tenant).annotate(
        hosts=Count("profiles", filter=Q(profiles__in=listed))
    )
    popular = list(counted.filter(hosts__gt=0).order_by("-hosts", "sort_order", "name")[:SUGGESTED_TOPICS])
    return popular or list(Topic.objects.filter(tenant=tenant)[:SUGGESTED_TOPICS])


def _active_filters(
    path: str, params: ExploreParams, topics: dict[str, str], currency: str
) -> list[dict[str, str]]:
    """One chip per filter in use, each linking to the same search without it. The kind's chip
    is labelled by the template, in the site's own words for hosts and rooms."""
    values = params.query_string_values()
    fee_models = dict(FeeModel.choices)
    labels = {
        "kind": lambda value: value,
        "topic": lambda value: topics.get(value, value),
        "language": lambda value: language_names([value])[0],
        "price_min": lambda value: f"From {value} {currency}",
        "price_max": lambda value: f"Up to {value} {currency}",
        "free": lambda value: FREE_LABELS.get(value, value),
        "fee_model": lambda value: fee_models.get(value, value),
        "has_upcoming": lambda value: "upcoming",
    }
    return [
        {
            "name": name,
            "label": labels[name](value),
            "url": _link(path, {key: kept for key, kept in values.items() if key != name}),
        }
        for name, value in values.items()
        if name in labels
    ]


def explore_context(page: ExplorePage, request: HttpRequest) -> dict[str, Any]:
    tenant = _tenant_of(page, request)
    parts = page.get_url_parts(request)
    path = parts[2] if parts else request.path
    if not (tenant.public_content_visible or request.user.is_authenticated):
        # Sites that show their content to members only: explore like the profiles and rooms.
        return {"sign_in_url": f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"}
    query: QueryDict = request.GET
    params, errors = parse_params(tenant, query, per_page=page.per_page)
    results = explore_with(tenant, params)
    with scope(tenant=tenant):
        topics = list(Topic.objects.filter(tenant=tenant))
        languages = _language_options(tenant)
        suggested = _suggested_topics(tenant) if not results.items else []
    form = {
        name: query.get(name, "") for name in ("q", "kind", "topic", "language", "price_min", "price_max")
    }
    form.update({name: query.get(name, "") for name in ("free", "fee_model", "has_upcoming", "sort")})
    return {
        "tenant_currency": str(tenant.default_currency),
        "explore_path": path,
        "params": params,
        "form": form,
        "errors": errors,
        "results": results,
        "topics": topics,
        "topic_links": [{"name": t.name, "url": _link(path, {"topic": t.slug})} for t in suggested],
        "languages": languages,
        "fee_models": [(value, label) for value, label in FeeModel.choices],
        "sorts": SORT_CHOICES,
        "page_links": _page_links(path, params, results) if results.pages > 1 else [],
        "previous_url": _page_url(path, params, results.page - 1) if results.has_previous else "",
        "next_url": _page_url(path, params, results.page + 1) if results.has_next else "",
        "active_filters": _active_filters(
            path, params, {t.slug: t.name for t in topics}, str(tenant.default_currency)
        ),
        "clear_url": path,
        # Filtered and paged variants of the page are for visitors, not for search engines.
        "noindex": bool(query),
    }


def _page_url(path: str, params: ExploreParams, number: int) -> str:
    values = params.query_string_values()
    return _link(path, {**values, "page": str(number)} if number > 1 else values)
