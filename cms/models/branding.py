"""A site's branding (Wagtail per-Site setting): what makes each tenant's pages, emails and BBB its own."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from cms.branding.stylesheet import stylesheet_problems, stylesheet_version
from cms.branding.wording import DEFAULT_WORDING, clean_wording, wording_errors

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1a73e8.")
COLOUR_FIELDS = ("primary_color", "accent_color", "background_color")
WORDING_HELP = (
    "Words to use instead of ours, as JSON. You can change: "
    + ", ".join(f'"{key}" ({word})' for key, word in DEFAULT_WORDING.items())
    + '. Example: {"room": "consultation", "rooms": "consultations"}. Each word at most 30 characters.'
)
STYLESHEET_HELP = (
    "Extra CSS for your pages and the meeting client, loaded after ours. It is checked before saving: "
    "no @import, no url() except images and documents uploaded to this site (addresses starting with "
    "the media path, e.g. /media/original_images/...), no expression(), javascript:, behavior or "
    "-moz-binding, no HTML (nothing with <), at most 100 KB."
)


class Font(models.TextChoices):
    """Fonts bundled with the site (served from our own static files, never from a font CDN)."""

    SYSTEM = "system", "System (the device's own)"
    INTER = "inter", "Inter"
    SOURCE_SERIF = "source-serif", "Source Serif"
    ATKINSON = "atkinson", "Atkinson Hyperlegible"


def _colour_panel(name: str, help_text: str) -> FieldPanel:
    # The browser's colour picker always sends #rrggbb; the validator still checks other clients.
    return FieldPanel(name, widget=forms.TextInput(attrs={"type": "color"}), help_text=help_text)


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

    panels = [
        MultiFieldPanel(
            [
                FieldPanel(
                    "logo",
                    help_text="Shown in the top bar, in emails and in the meeting client; "
                    "a wide image about 96 pixels high works best.",
                ),
                FieldPanel(
                    "favicon", help_text="The browser tab icon; a square image (64 by 64 pixels or larger)."
                ),
            ],
            heading="Logo and icon",
        ),
        MultiFieldPanel(
            [
                _colour_panel("primary_color", "Buttons, links and the meeting client's banner."),
                _colour_panel("accent_color", "The line above the top bar and small highlights."),
                _colour_panel("background_color", "Behind the page content."),
                FieldPanel("font", help_text="Served from this site; no font service sees your visitors."),
            ],
            heading="Colours and font",
        ),
        MultiFieldPanel(
            [
                FieldPanel(
                    "page_title",
                    help_text="The title of pages without their own; defaults to the site's name.",
                ),
                FieldPanel(
                    "title_suffix",
                    help_text='After every page title, e.g. "· Northwind Clinic"; defaults to "· " and the '
                    "site's name.",
                ),
            ],
            heading="Browser titles",
        ),
        FieldPanel("wording", help_text=WORDING_HELP),
        FieldPanel(
            "email_sender_name", help_text="The sender's name on emails; defaults to the site's name."
        ),
        FieldPanel(
            "custom_css",
            widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
            help_text=STYLESHEET_HELP,
        ),
    ]

    class Meta:
        verbose_name = "branding"

    @classmethod
    def get_permission_policy(cls):
        from cms.branding.permissions import BrandingPermissionPolicy

        return BrandingPermissionPolicy(cls)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        for name in COLOUR_FIELDS:
            setattr(self, name, (getattr(self, name) or "").lower())
        wording_problems = wording_errors(self.wording)
        if wording_problems:
            errors["wording"] = wording_problems
        else:
            self.wording = clean_wording(self.wording)
        if self.custom_css.strip():
            from cms.branding.assets import own_asset_checker

            site = self.site if self.site_id else None
            url_allowed = own_asset_checker(site, chosen_image_ids=(self.logo_id, self.favicon_id))
            problems = stylesheet_problems(self.custom_css, url_allowed=url_allowed)
            if problems:
                errors["custom_css"] = [str(problem) for problem in problems]
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        # The served file's URL names its content: a new stylesheet gets a new, uncached URL.
        self.custom_css_version = stylesheet_version(self.custom_css)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "custom_css" in update_fields:
            kwargs["update_fields"] = {*update_fields, "custom_css_version"}
        super().save(*args, **kwargs)
        if self._meta.get_field("site").is_cached(self):
            # Whoever holds this Site instance reads the new branding (cms.branding.context).
            from cms.branding.context import SITE_MEMO

            setattr(self.site, SITE_MEMO, self)
