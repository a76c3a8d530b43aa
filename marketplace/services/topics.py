"""The site's topic taxonomy (e.g. "Mathematics", "Cardiology"), kept by its admins."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django_scopes import scope

from marketplace.exceptions import MarketplaceError
from marketplace.models import Tenant, Topic, User
from marketplace.services.audit import audit

TOPIC_FIELDS = frozenset({"name", "slug", "description", "sort_order"})


class TopicError(MarketplaceError):
    code = "invalid_topic"


class TopicSlugTaken(TopicError):
    code = "topic_slug_taken"
    status = 409
    field = "slug"


def topic_slug_taken(tenant: Tenant, slug: str, *, exclude_pk: int | None = None) -> bool:
    with scope(tenant=tenant):
        topics = Topic.objects.filter(tenant=tenant, slug=slug)
        if exclude_pk is not None:
            topics = topics.exclude(pk=exclude_pk)
        return topics.exists()


def _slug_taken_error(tenant: Tenant, slug: str) -> TopicSlugTaken:
    return TopicSlugTaken(f'{tenant.name} already has a topic with the slug "{slug}".')


def _clean_topic(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - TOPIC_FIELDS
    if unknown:
        raise TopicError(f"Not editable: {', '.join(sorted(unknown))}.")
    cleaned: dict[str, Any] = {}
    for name in ("name", "description"):
        if name in changes:
            limit = Topic._meta.get_field(name).max_length
            value = changes[name]
            if not isinstance(value, str) or len(value.strip()) > limit:
                raise TopicError(f"The {name} has at most {limit} characters.", field=name)
            cleaned[name] = value.strip()
    if "name" in cleaned and not cleaned["name"]:
        raise TopicError("Give the topic a name.", field="name")
    if "slug" in changes:
        cleaned["slug"] = slugify(changes["slug"] or "")[: Topic._meta.get_field("slug").max_length]
        if not cleaned["slug"]:
            raise TopicError("Use letters, digits and hyphens in the slug.", field="slug")
    if "sort_order" in changes:
        order = changes["sort_order"]
        if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 32767:
            raise TopicError("The sort order is a whole number from 0 to 32767.", field="sort_order")
        cleaned["sort_order"] = order
    return cleaned


def _save_topic(topic: Topic) -> None:
    try:
        with scope(tenant=topic.tenant), transaction.atomic():
            topic.save()
    except IntegrityError:  # a concurrent request took the slug first
        raise _slug_taken_error(topic.tenant, topic.slug) from None


def create_topic(
    tenant: Tenant, *, actor: User, name: str, slug: str = "", description: str = "", sort_order: int = 0
) -> Topic:
    cleaned = _clean_topic(
        {"name": name, "slug": slug or name, "description": description, "sort_order": sort_order}
    )
    if topic_slug_taken(tenant, cleaned["slug"]):
        raise _slug_taken_error(tenant, cleaned["slug"])
    topic = Topic(tenant=tenant, **cleaned)
    _save_topic(topic)
    audit(topic, "wagtail.create", actor=actor)
    return topic


def update_topic(topic: Topic, *, actor: User, **changes: Any) -> Topic:
    cleaned = _clean_topic(changes)
    if "slug" in cleaned and topic_slug_taken(topic.tenant, cleaned["slug"], exclude_pk=topic.pk):
        raise _slug_taken_error(topic.tenant, cleaned["slug"])
    changed = sorted(name for name, value in cleaned.items() if getattr(topic, name) != value)
    if changed:
        for name in changed:
            setattr(topic, name, cleaned[name])
        _save_topic(topic)
        audit(topic, "wagtail.edit", actor=actor, changed=changed)
    return topic


def delete_topic(topic: Topic, *, actor: User) -> None:
    """Profiles simply lose the topic; nothing else refers to it."""
    audit(topic, "wagtail.delete", actor=actor)
    with scope(tenant=topic.tenant):
        topic.delete()
