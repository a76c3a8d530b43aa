"""A site's branding (Wagtail per-Site setting): what makes each tenant's pages, emails and BBB its own."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1a73e8.")


class Font(models.TextChoices):
    """Fonts bundled with the site (served from our own static files, never from a font CDN)."""

    SYSTEM = "system", "System (the device's own)"
    INTER = "inter", "Inter"
    SOURCE_SERIF = "source-serif", "Source Serif"
    ATKINSON = "atkinson", "Atkinson Hyperlegible"


@register_setting(icon="image")
class BrandingSettings(BaseSiteSetting):
    logo = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    favicon = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    primary_color = models.CharField(max_length=7, default="#4f46e5", validators=[HEX_COLOUR])
    accent_color = models.CharField(max_length=7, default="#0ea5e9", validators=[HEX_COLOUR])
    background_color = models.CharField(max_length=7, default="#f8fafc", validators=[HEX_COLOUR])
    font = models.CharField(max_length=20, choices=Font.choices, default=Font.SYSTEM)
    page_title = models.CharField(max_length=80, blank=True, help_text="Defaults to the site's name.")
    title_suffix = models.CharField(max_length=80, blank=True, help_text='e.g. "· Northwind Clinic"')
    wording = models.JSONField(
        default=dict,
        blank=True,
        help_text='Label overrides, e.g. {"moderator": "doctor", "room": "consultation"}.',
    )
    email_sender_name = models.CharField(max_length=80, blank=True, help_text="Defaults to the site's name.")
    custom_css = models.TextField(
        blank=True, help_text="Extra CSS for your pages and the meeting client (checked before saving)."
    )
    custom_css_version = models.CharField(max_length=16, blank=True, editable=False)

    class Meta:
        verbose_name = "branding"
