"""The Explore page: one per tenant, under its home page, listing its public hosts and rooms."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest
from django_scopes import ScopedManager
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

MAX_PER_PAGE = 48


class ExplorePage(Page):
    """Search and filters over the site's public moderator profiles and rooms.

    The results come from the query string (a GET form), so every search is a shareable link and
    the page works without JavaScript; a page script only adds suggestions while typing.
    """

    intro = models.CharField(max_length=240, blank=True, help_text="Shown above the search box.")
    per_page = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PER_PAGE)],
        help_text=f"Results on each page (at most {MAX_PER_PAGE}).",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("per_page")]
    parent_page_types = ["cms.TenantHomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    template = "search/explore_page.html"

    class Meta:
        verbose_name = "explore page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from search.explore_page import explore_context

        context = super().get_context(request, *args, **kwargs)
        context.update(explore_context(self, request))
        return context


class IndexGeneration(models.Model):
    """How many times a site's search entries have been written: cached search answers carry the
    number they were computed at, so a write makes every older one unreachable (search/match_cache.py)."""

    tenant = models.OneToOneField(
        "marketplace.Tenant", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    number = models.PositiveBigIntegerField(default=0)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = "search index generation"

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.number}"
