"""Videos from an allow-list of providers, shown as players only where the CSP lets their frames in.

The Content-Security-Policy (config.security) allows frames from our own origin (and the payment
provider's) only, so by default an embed is a link to the video: a blocked iframe would be an empty
box and a console error. Once a provider's player origin is added to the policy's frame-src, its
videos play in the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock, EmbedValue

from config.security import build_policy


@dataclass(frozen=True)
class Provider:
    name: str
    hosts: frozenset[str]
    player_origin: str


PROVIDERS = (
    Provider(
        "YouTube",
        frozenset(
            {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"}
        ),
        "https://www.youtube.com",
    ),
    Provider(
        "Vimeo", frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"}), "https://player.vimeo.com"
    ),
)


def provider_for(url: str) -> Provider | None:
    parts = urlsplit(url or "")
    if parts.scheme != "https":
        return None
    host = (parts.hostname or "").lower()
    return next((provider for provider in PROVIDERS if host in provider.hosts), None)


def frame_sources() -> set[str]:
    """The frame-src sources of the policy this deployment sends."""
    for directive in build_policy(settings.CSP_EXTRA_SOURCES).split(";"):
        name, *sources = directive.split()
        if name == "frame-src":
            return set(sources)
    return set()


def plays_in_page(provider: Provider) -> bool:
    return provider.player_origin in frame_sources()


class AllowListedEmbedBlock(EmbedBlock):
    """An embed URL of an allowed provider; asks the provider for its player only when it can be shown."""

    def clean(self, value: Any) -> EmbedValue | None:
        url = value.url if isinstance(value, EmbedValue) else (value or "")
        provider = provider_for(url)
        if url and provider is None:
            names = " or ".join(provider.name for provider in PROVIDERS)
            raise ValidationError(f"Embed an https:// link from {names}.")
        if provider is not None and plays_in_page(provider):
            return super().clean(value)
        # Shown as a link: skip the oEmbed lookup, it needs the provider to answer the server.
        return super(EmbedBlock, self).clean(value)


class VideoEmbedBlock(blocks.StructBlock):
    video = AllowListedEmbedBlock(help_text="A YouTube or Vimeo link.")
    caption = blocks.CharBlock(required=False, max_length=200)

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        video = value.get("video")
        provider = provider_for(video.url) if video else None
        context["provider"] = provider
        context["frame_allowed"] = provider is not None and plays_in_page(provider)
        return context

    class Meta:
        icon = "media"
        template = "cms/blocks/embed.html"
