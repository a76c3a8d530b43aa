"""Wagtail page models: each tenant's home page and the standard pages under it."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import HomeBody, StandardBody


class DescribedPageMixin:
    """A page whose intro doubles as its description for search engines and link previews."""

    intro: str
    search_description: str

    @property
    def meta_description(self) -> str:
        # The promote tab's description, written for search engines, wins over the intro.
        return (self.search_description or self.intro or "").strip()


class TenantHomePage(DescribedPageMixin, Page):
    """The root page of a tenant's site, edited by its editors."""

    intro = models.CharField(max_length=240, blank=True)
    body = StreamField(HomeBody(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = None

    template = "cms/tenant_home_page.html"

    class Meta:
        verbose_name = "tenant home page"


class StandardPage(DescribedPageMixin, Page):
    """A page of text and blocks: about, terms, privacy, or anything else the site needs."""

    intro = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences under the title; also the page's summary."
    )
    body = StreamField(StandardBody(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.TenantHomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    template = "cms/standard_page.html"

    class Meta:
        verbose_name = "standard page"
