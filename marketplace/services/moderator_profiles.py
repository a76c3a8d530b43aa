"""Moderator profiles: headline, bio, topics, languages, links, cover and the defaults of new rooms.

Every change is validated in full before anything is written, so a refused request changes nothing.
Languages are ISO 639-1 two-letter codes (lower case), not limited to settings.LANGUAGES
(the languages the interface is translated into).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django_scopes import scope

from marketplace.exceptions import MarketplaceError
from marketplace.models import ModeratorProfile, Plan, ProfileVisibility, Room, Tenant, Topic, User
from marketplace.models.rooms import Access
from marketplace.profile_selectors import is_moderator, profile_of
from marketplace.richtext import sanitize_html
from marketplace.services.audit import audit
from marketplace.services.rooms import SETTINGS_FIELDS

# ISO 639-1: every two-letter language code.
_ISO_639_1 = (
    "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de "
    "dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia "
    "id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo "
    "lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl "
    "ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk "
    "tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"
)
LANGUAGE_CODES = frozenset(_ISO_639_1.split())
PROFILE_FIELDS = frozenset({"headline", "bio", "topics", "languages", "location", "links", "visibility"})
BIO_MAX_LENGTH = 5000
MAX_LINKS = 8
LINK_LABEL_MAX_LENGTH = 60
LINK_URL_MAX_LENGTH = 500
COVER_FORMATS = {"JPEG", "PNG", "WEBP"}

# What a moderator may preset for new rooms: the BBB settings plus these room fields.
ROOM_DEFAULT_FIELDS = (
    "visibility",
    "access",
    "max_participants",
    "max_duration_minutes",
    "approval_required",
    *SETTINGS_FIELDS,
)
# The same lower bounds the rooms API accepts.
ROOM_DEFAULT_MINIMUMS = {"max_participants": 1, "max_duration_minutes": 5}


class NotAModerator(MarketplaceError):
    code = "not_moderator"
    status = 403


class ProfileError(MarketplaceError):
    code = "invalid_profile"


class UnknownTopic(ProfileError):
    code = "unknown_topic"
    field = "topics"


class InvalidLanguage(ProfileError):
    code = "invalid_language"
    field = "languages"


class InvalidLink(ProfileError):
    code = "invalid_link"
    field = "links"


class InvalidCover(ProfileError):
    code = "invalid_cover"
    field = "cover"


class CoverTooLarge(InvalidCover):
    code = "cover_too_large"


class InvalidRoomDefaults(ProfileError):
    code = "invalid_room_defaults"


def get_or_create_profile(user: User, tenant: Tenant) -> ModeratorProfile:
    if not is_moderator(user, tenant):
        raise NotAModerator(
            f"Only moderators of {tenant.name} have a public profile: choose a plan to become one."
        )
    with scope(tenant=tenant):
        try:
            with transaction.atomic():
                profile, created = ModeratorProfile.objects.get_or_create(tenant=tenant, user=user)
        except IntegrityError:  # a concurrent request created it first
            profile, created = ModeratorProfile.objects.get(tenant=tenant, user=user), False
    if created:
        audit(profile, "wagtail.create", actor=user)
    return profile


# Profile fields -------------------------------------------------------------------------------


def _text(value: Any, field: str, limit: int, what: str) -> str:
    if not isinstance(value, str):
        raise ProfileError(f"{what} is text.", field=field)
    value = value.strip()
    if len(value) > limit:
        raise ProfileError(f"{what} has at most {limit:,} characters.", field=field)
    return value


def _string_list(value: Any, field: str, what: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ProfileError(f"Send {what} as a list of strings.", field=field)
    return list(dict.fromkeys(item.strip() for item in value if item.strip()))  # unique, in order


def _clean_topics(value: Any, tenant: Tenant) -> list[Topic]:
    slugs = _string_list(value, "topics", "topics")
    with scope(tenant=tenant):
        found = {topic.slug: topic for topic in Topic.objects.filter(tenant=tenant, slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        names = ", ".join(f'"{slug}"' for slug in unknown)
        plural = "topics" if len(unknown) > 1 else "topic"
        raise UnknownTopic(f"Unknown {plural} on {tenant.name}: {names}.")
    return [found[slug] for slug in slugs]


def _clean_languages(value: Any) -> list[str]:
    codes = list(dict.fromkeys(code.lower() for code in _string_list(value, "languages", "languages")))
    for code in codes:
        if code not in LANGUAGE_CODES:
            raise InvalidLanguage(f'"{code}" is not a two-letter ISO 639-1 language code, like "en" or "fr".')
    return codes


_url_validator = URLValidator(schemes=["http", "https"])


def _clean_links(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list | tuple):
        raise InvalidLink('Send links as a list of {"label", "url"} objects.')
    if len(value) > MAX_LINKS:
        raise InvalidLink(f"A profile has at most {MAX_LINKS} links.")
    links = []
    for number, link in enumerate(value, start=1):
        if not isinstance(link, dict) or not isinstance(link.get("url"), str):
            raise InvalidLink(f'Link {number}: send {{"label": ..., "url": ...}}.')
        label, url = link.get("label") or "", link["url"].strip()
        if not isinstance(label, str) or len(label.strip()) > LINK_LABEL_MAX_LENGTH:
            raise InvalidLink(
                f"Link {number}: the label is text of at most {LINK_LABEL_MAX_LENGTH} characters."
            )
        if len(url) > LINK_URL_MAX_LENGTH:
            raise InvalidLink(f"Link {number}: the address has at most {LINK_URL_MAX_LENGTH} characters.")
        try:
            _url_validator(url)
        except ValidationError:
            raise InvalidLink(f"Link {number}: use a full http:// or https:// address.") from None
        links.append({"label": label.strip() or (urlsplit(url).hostname or url), "url": url})
    return links


def _clean_visibility(value: Any) -> str:
    if value not in ProfileVisibility.values:
        raise ProfileError("Choose public or unlisted.", field="visibility")
    return value


def _clean_profile_field(name: str, value: Any, tenant: Tenant) -> Any:
    if name == "headline":
        return _text(value, "headline", ModeratorProfile._meta.get_field("headline").max_length, "A headline")
    if name == "location":
        return _text(value, "location", ModeratorProfile._meta.get_field("location").max_length, "A location")
    if name == "bio":
        return sanitize_html(_text(value, "bio", BIO_MAX_LENGTH, "A bio"))
    if name == "topics":
        return _clean_topics(value, tenant)
    if name == "languages":
        return _clean_languages(value)
    if name == "links":
        return _clean_links(value)
    return _clean_visibility(value)


def update_profile(profile: ModeratorProfile, *, actor: User, **changes: Any) -> ModeratorProfile:
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ProfileError(f"Not editable: {', '.join(sorted(unknown))}.")
    tenant = profile.tenant
    cleaned = {name: _clean_profile_field(name, value, tenant) for name, value in changes.items()}
    topics = cleaned.pop("topics", None)
    with scope(tenant=tenant), transaction.atomic():
        profile = ModeratorProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
        changed = sorted(name for name, value in cleaned.items() if getattr(profile, name) != value)
        for name, value in cleaned.items():
            setattr(profile, name, value)
        if topics is not None:
            before = set(profile.topics.values_list("pk", flat=True))
            if before != {topic.pk for topic in topics}:
                profile.topics.set(topics)
                changed.append("topics")
        if changed:
            profile.save()
    if changed:
        audit(profile, "lyceum.moderator_profile.update", actor=actor, changed=sorted(changed))
    return profile


# Cover ----------------------------------------------------------------------------------------


def _check_image(upload: UploadedFile) -> None:
    """The avatar's rules: at most AVATAR_MAX_BYTES, and a file Pillow opens and verifies as an image."""
    limit = settings.AVATAR_MAX_BYTES
    if upload.size is None or upload.size > limit:
        size = f"{limit // 2**20} MB" if limit >= 2**20 else f"{max(limit // 2**10, 1)} KB"
        raise CoverTooLarge(f"The cover is too large: at most {size}.")
    try:
        checked = forms.ImageField().clean(upload)
    except ValidationError:
        raise InvalidCover("Upload a JPEG, PNG or WebP image.") from None
    if checked.image.format not in COVER_FORMATS:
        raise InvalidCover("Upload a JPEG, PNG or WebP image.")
    upload.seek(0)


def set_cover(profile: ModeratorProfile, upload: UploadedFile, *, actor: User) -> ModeratorProfile:
    _check_image(upload)
    old_name = profile.cover.name if profile.cover else None
    with scope(tenant=profile.tenant):
        profile.cover.save(upload.name or "cover.jpg", upload, save=False)
        try:
            profile.save(update_fields=["cover", "updated_at"])
        except Exception:
            profile.cover.delete(save=False)
            raise
    if old_name and old_name != profile.cover.name:
        profile.cover.storage.delete(old_name)
    audit(profile, "lyceum.moderator_profile.cover", actor=actor)
    return profile


def remove_cover(profile: ModeratorProfile, *, actor: User) -> ModeratorProfile:
    if profile.cover:
        with scope(tenant=profile.tenant):
            profile.cover.delete(save=False)
            profile.cover = ""
            profile.save(update_fields=["cover", "updated_at"])
        audit(profile, "lyceum.moderator_profile.cover_removed", actor=actor)
    return profile


# Default room settings ------------------------------------------------------------------------


def _clean_room_default(name: str, value: Any, tenant: Tenant) -> Any:
    field = Room._meta.get_field(name)
    label = str(field.verbose_name).capitalize()
    if isinstance(field, models.BooleanField):
        if not isinstance(value, bool):
            raise InvalidRoomDefaults(f"{label}: true or false.", field=name)
    elif field.choices:
        choices = [choice for choice, _ in field.choices]
        if value not in choices:
            raise InvalidRoomDefaults(f"{label}: choose one of {', '.join(choices)}.", field=name)
    elif isinstance(field, models.PositiveIntegerField):
        minimum = ROOM_DEFAULT_MINIMUMS[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise InvalidRoomDefaults(f"{label}: a whole number of at least {minimum}.", field=name)
    else:
        if not isinstance(value, str) or len(value.strip()) > field.max_length:
            raise InvalidRoomDefaults(f"{label}: text of at most {field.max_length} characters.", field=name)
        value = value.strip()
    if name == "access" and value == Access.GUESTS and not tenant.guests_allowed:
        raise InvalidRoomDefaults(f"{tenant.name} does not allow guests in rooms.", field=name)
    return value


def update_room_defaults(
    profile: ModeratorProfile, *, actor: User, defaults: dict[str, Any]
) -> ModeratorProfile:
    """Replace the presets of new rooms; settings left out fall back to the usual room defaults."""
    if not isinstance(defaults, dict):
        raise InvalidRoomDefaults("Send the room defaults as an object of room settings.")
    unknown = sorted(set(defaults) - set(ROOM_DEFAULT_FIELDS))
    if unknown:
        raise InvalidRoomDefaults(f"Not a room default: {', '.join(unknown)}.")
    cleaned = {name: _clean_room_default(name, value, profile.tenant) for name, value in defaults.items()}
    with scope(tenant=profile.tenant), transaction.atomic():
        profile = ModeratorProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
        before = profile.room_defaults or {}
        changed = sorted(name for name in set(before) | set(cleaned) if before.get(name) != cleaned.get(name))
        if changed:
            profile.room_defaults = cleaned
            profile.save(update_fields=["room_defaults", "updated_at"])
    if changed:
        audit(profile, "lyceum.moderator_profile.room_defaults", actor=actor, changed=changed)
    return profile


def room_defaults_with_fallbacks(profile: ModeratorProfile) -> dict[str, Any]:
    """Every default a new room starts from: the moderator's presets, else the room's own defaults."""
    stored = profile.room_defaults or {}
    return {
        name: stored[name] if name in stored else Room._meta.get_field(name).get_default()
        for name in ROOM_DEFAULT_FIELDS
    }


def defaults_for_new_room(owner: User, tenant: Tenant, plan: Plan) -> dict[str, Any]:
    """The owner's presets, fitted to the plan and the site, so a preset never makes creation fail."""
    profile = profile_of(owner, tenant)
    if profile is None:
        return {}
    defaults = {name: value for name, value in profile.room_defaults.items() if name in ROOM_DEFAULT_FIELDS}
    if "max_participants" in defaults:
        defaults["max_participants"] = min(defaults["max_participants"], plan.max_attendees_per_room)
    if "max_duration_minutes" in defaults:
        defaults["max_duration_minutes"] = min(defaults["max_duration_minutes"], plan.max_session_minutes)
    if not plan.allows_recording:
        defaults.pop("record", None)
        defaults.pop("auto_start_recording", None)
    if defaults.get("access") == Access.GUESTS and not tenant.guests_allowed:
        defaults.pop("access")
    return defaults
