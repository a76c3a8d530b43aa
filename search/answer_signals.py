"""Receivers that make a site's kept public answers stale when what they show changes.

Explore's API answers (config/public_cache.py) show hosts, rooms, their topics and next
sessions, under the site's settings and its Explore page's address. Each change to one of those
renews the site's hostname's version once the change commits (a rolled-back one changes
nothing); so does a site's hostname changing, or a site appearing on a hostname.
Connected in SearchConfig.ready().
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django_scopes import scopes_disabled
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from config.public_cache import hostname_changed, site_changed
from marketplace.models import Membership, ModeratorProfile, Room, ScheduledSession, Tenant, Topic, User
from search.models import ExplorePage

# What a search result shows of its host; a login (last_login) changes none of it.
SHOWN_USER_FIELDS = {"display_name", "handle", "is_active", "avatar"}
TENANT_ROWS = (ModeratorProfile, Room, Topic, Membership, ScheduledSession)


def _later(tenant_ids: Iterable[int]) -> None:
    ids = sorted(set(tenant_ids))

    def run() -> None:
        for tenant_id in ids:
            site_changed(tenant_id)

    if ids:
        transaction.on_commit(run, robust=True)


def row_changed(sender: type, instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _later([instance.tenant_id])  # type: ignore[attr-defined]


def topics_linked(sender: type, instance: Model, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _later([instance.tenant_id])  # type: ignore[attr-defined]


def user_changed(
    sender: type,
    instance: User,
    created: bool = False,
    raw: bool = False,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    if created or raw or (update_fields is not None and not SHOWN_USER_FIELDS & set(update_fields)):
        return
    with scopes_disabled():
        _later(Membership.objects.filter(user_id=instance.pk).values_list("tenant_id", flat=True))


def tenant_changed(sender: type, instance: Tenant, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _later([instance.pk])


def tenant_deleted(sender: type, instance: Tenant, **kwargs: Any) -> None:
    hostname = instance.site.hostname if instance.site_id else ""  # type: ignore[attr-defined]
    transaction.on_commit(lambda: hostname_changed(hostname), robust=True)


def site_saving(sender: type, instance: Site, raw: bool = False, **kwargs: Any) -> None:
    """Note the hostname the site had: answers kept under it belong to it no more."""
    old = (
        Site.objects.filter(pk=instance.pk).values_list("hostname", flat=True).first()
        if instance.pk
        else None
    )
    instance._hostname_before = old or ""  # type: ignore[attr-defined]


def site_saved(sender: type, instance: Site, raw: bool = False, **kwargs: Any) -> None:
    """A hostname moved, or a site now answers on it: renew the old and the new hostname."""
    hostnames = {instance.hostname, getattr(instance, "_hostname_before", "")} - {""}
    for hostname in hostnames:
        transaction.on_commit(lambda hostname=hostname: hostname_changed(hostname), robust=True)


def page_changed(sender: type, instance: ExplorePage, **kwargs: Any) -> None:
    """Explore's address is in every topic suggestion: publishing, withdrawing, moving or deleting
    the page may change it."""
    site = instance.get_site()
    if site is not None:
        site_saved(Site, site)


def connect() -> None:
    uid = "lyceum-public-answers"
    for model in TENANT_ROWS:
        name = model._meta.model_name
        post_save.connect(row_changed, sender=model, dispatch_uid=f"{uid}-{name}-save")
        post_delete.connect(row_changed, sender=model, dispatch_uid=f"{uid}-{name}-delete")
    m2m_changed.connect(topics_linked, sender=ModeratorProfile.topics.through, dispatch_uid=f"{uid}-topics")
    post_save.connect(user_changed, sender=User, dispatch_uid=f"{uid}-user-save")
    post_save.connect(tenant_changed, sender=Tenant, dispatch_uid=f"{uid}-tenant-save")
    post_delete.connect(tenant_deleted, sender=Tenant, dispatch_uid=f"{uid}-tenant-delete")
    pre_save.connect(site_saving, sender=Site, dispatch_uid=f"{uid}-site-saving")
    post_save.connect(site_saved, sender=Site, dispatch_uid=f"{uid}-site-save")
    post_delete.connect(site_saved, sender=Site, dispatch_uid=f"{uid}-site-delete")
    page_published.connect(page_changed, sender=ExplorePage, dispatch_uid=f"{uid}-explore-published")
    page_unpublished.connect(page_changed, sender=ExplorePage, dispatch_uid=f"{uid}-explore-unpublished")
    post_page_move.connect(page_changed, sender=ExplorePage, dispatch_uid=f"{uid}-explore-moved")
    pre_delete.connect(page_changed, sender=ExplorePage, dispatch_uid=f"{uid}-explore-deleted")
