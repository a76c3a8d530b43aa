"""Wagtail page models."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from cms.blocks import HomeBody


class TenantHomePage(Page):
    """The root page of a tenant's site, edited by its editors."""

    intro = models.CharField(max_length=240, blank=True)
    body = StreamField(HomeBody(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = None

    template = "cms/tenant_home_page.html"

    class Meta:
        verbose_name = "tenant home page"
