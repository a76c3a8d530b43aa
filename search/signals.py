"""Receivers that queue index updates once a change to what the index shows commits.

Connected in SearchConfig.ready(). The job runs after the commit, so it reads what was committed
(including topics set after the profile was saved) and a rolled-back change queues nothing. The
on-commit callback is robust: the change is saved either way, and a lost update is repaired by
the next change or by `manage.py update_index`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from marketplace.models import ModeratorProfile, Room, Topic, User
from search.indexing import is_indexed_user_change

TopicLinks = ModeratorProfile.topics.through


def _queue(tenant_id: int, **ids: list[int]) -> None:
    from search.tasks import update_search_index

    transaction.on_commit(lambda: update_search_index.send(tenant_id, **ids), robust=True)


def profile_changed(sender: type, instance: ModeratorProfile, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _queue(instance.tenant_id, profiles=[instance.pk], hosts=[instance.user_id])


def room_changed(sender: type, instance: Room, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _queue(instance.tenant_id, rooms=[instance.pk])


def topic_changed(
    sender: type, instance: Topic, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    if not (created or raw):  # a new topic is on no profile yet
        _queue(instance.tenant_id, topics=[instance.pk])


def topic_deleting(sender: type, instance: Topic, **kwargs: Any) -> None:
    # The links go with the topic, without m2m signals: note whose profiles showed it first.
    profiles = list(
        TopicLinks.objects.filter(topic_id=instance.pk).values_list("moderatorprofile_id", flat=True)
    )
    if profiles:
        _queue(instance.tenant_id, profiles=profiles)


def topics_linked(
    sender: type,
    instance: ModeratorProfile | Topic,
    action: str,
    reverse: bool,
    pk_set: set | None,
    **kwargs: Any,
) -> None:
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            _queue(instance.tenant_id, profiles=[instance.pk])
    elif action in ("post_add", "post_remove") and pk_set:
        _queue(instance.tenant_id, profiles=sorted(pk_set))
    elif action == "pre_clear":
        topic_deleting(sender, instance)


def user_changed(
    sender: type,
    instance: User,
    created: bool = False,
    raw: bool = False,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    if created or raw or not is_indexed_user_change(instance, update_fields):
        return
    from search.tasks import update_search_index_for_user

    user_id = instance.pk
    transaction.on_commit(lambda: update_search_index_for_user.send(user_id), robust=True)


def connect() -> None:
    uid = "lyceum-search"
    post_save.connect(profile_changed, sender=ModeratorProfile, dispatch_uid=f"{uid}-profile-save")
    post_delete.connect(profile_changed, sender=ModeratorProfile, dispatch_uid=f"{uid}-profile-delete")
    post_save.connect(room_changed, sender=Room, dispatch_uid=f"{uid}-room-save")
    post_delete.connect(room_changed, sender=Room, dispatch_uid=f"{uid}-room-delete")
    post_save.connect(topic_changed, sender=Topic, dispatch_uid=f"{uid}-topic-save")
    pre_delete.connect(topic_deleting, sender=Topic, dispatch_uid=f"{uid}-topic-delete")
    m2m_changed.connect(topics_linked, sender=TopicLinks, dispatch_uid=f"{uid}-topic-links")
    post_save.connect(user_changed, sender=User, dispatch_uid=f"{uid}-user-save")
