"""Moderator profiles (a host's public page on one site) and the site's topic taxonomy."""

from __future__ import annotations

import re
from html import unescape

from babel import Locale
from django.conf import settings
from django.db import models
from django.utils.html import strip_tags
from django_scopes import ScopedManager
from wagtail.search import index


def plain_text(html: str) -> str:
    """Sanitised rich text as words for the search index: tags become spaces, so "<li>A</li><li>B</li>"
    gives two words, not "AB"."""
    return " ".join(unescape(strip_tags(re.sub(r"<", " <", html or ""))).split())


class Topic(models.Model):
    """A category defined by the tenant (e.g. "Mathematics", "Cardiology")."""

    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="topic_slug_unique_per_tenant"),
        ]

    def __str__(self) -> str:
        return self.name


class ProfileVisibility(models.TextChoices):
    PUBLIC = "public", "Public (listed on the site)"
    UNLISTED = "unlisted", "Unlisted (anyone with the link)"


def cover_path(profile: ModeratorProfile, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"covers/{profile.tenant_id}/{profile.user.handle}.{extension}"


class ModeratorProfile(index.Indexed, models.Model):
    """What a moderator shows at /@handle/ on one site, and the defaults their new rooms start from."""

    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="profiles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_profiles"
    )
    headline = models.CharField(max_length=160, blank=True)
    bio = models.TextField(blank=True, help_text="Sanitised rich text.")
    topics = models.ManyToManyField(Topic, blank=True, related_name="profiles")
    languages = models.JSONField(default=list, blank=True, help_text="Language codes, e.g. ['en', 'fr'].")
    location = models.CharField(max_length=120, blank=True)
    cover = models.ImageField(upload_to=cover_path, blank=True)
    links = models.JSONField(default=list, blank=True, help_text='[{"label": ..., "url": ...}]')
    visibility = models.CharField(
        max_length=10, choices=ProfileVisibility.choices, default=ProfileVisibility.PUBLIC
    )
    room_defaults = models.JSONField(
        default=dict, blank=True, help_text="Settings every new room of this moderator starts from."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="tenant")

    # Explore's search index. A job refreshes it once a change commits (search/signals.py), which
    # also covers what the profile shows of other rows (name, topics): Wagtail's update on save is off.
    # PostgreSQL has four weights, spread over the boosts of every indexed model (Wagtail's images
    # and documents use 10): 10, 8 and 6 keep the name, the handle and the headline apart.
    search_auto_update = False
    search_fields = [
        index.SearchField("title", boost=10),
        index.SearchField("headline", boost=6),
        index.SearchField("bio_text"),
        index.SearchField("language_names"),
        index.RelatedFields(
            "user",
            [
                index.SearchField("handle", boost=8),
                index.AutocompleteField("handle"),
                index.AutocompleteField("display_name"),
            ],
        ),
        index.RelatedFields("topics", [index.SearchField("name", boost=6)]),
        index.FilterField("tenant"),
        index.FilterField("user"),
        index.FilterField("visibility"),
        index.FilterField("created_at"),
    ]

    class Meta:
        ordering = ["user__handle"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="moderator_profile_one_per_site"),
        ]

    def __str__(self) -> str:
        return f"@{self.user.handle}"

    @property
    def title(self) -> str:
        """The name the profile is listed under; search backends rank a field called `title` highest."""
        return self.user.display_name or self.user.handle

    def bio_text(self) -> str:
        return plain_text(self.bio)

    def language_names(self) -> str:
        """English names of the languages, so a search for "French" finds the code "fr"."""
        names = Locale("en").languages
        return " ".join(names.get(code, code) for code in self.languages or [])
