"""A site's header and footer menus (Wagtail per-Site setting), edited by the tenant's editors."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from cms.blocks import LinkBlock


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    header_links = StreamField(
        [("link", LinkBlock())],
        blank=True,
        max_num=6,
        help_text="Shown in the top bar, before the sign-in links, in this order.",
    )
    footer_links = StreamField(
        [("link", LinkBlock())], blank=True, max_num=12, help_text="Shown in the footer, in this order."
    )

    panels = [FieldPanel("header_links"), FieldPanel("footer_links")]

    class Meta:
        verbose_name = "menus"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        from cms.menus import remember

        # Read back: the pages in memory may predate their publication.
        stored = type(self).objects.select_related("site").get(pk=self.pk)
        remember(stored.site, stored)


# The cached menus (cms.menus) follow the pages they link to and the setting itself.
@receiver(post_delete, sender=NavigationSettings)
def _forget_deleted_menus(sender: type, instance: NavigationSettings, **kwargs: Any) -> None:
    from cms.menus import forget_site

    forget_site(instance.site_id)


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_delete)
def _menus_follow_page(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Page):
        from cms.menus import page_changed

        page_changed(instance)


@receiver(page_slug_changed)
@receiver(post_page_move)
def _menus_follow_addresses(sender: type, **kwargs: Any) -> None:
    from cms.menus import forget_all

    forget_all()
