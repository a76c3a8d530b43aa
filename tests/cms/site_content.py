"""Content of a tenant's site for the page, menu and SEO tests: hosts with profiles, rooms, pages."""

from __future__ import annotations

import gc
import warnings
from typing import Any

from django.test import Client
from django_scopes import scope
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from cms.models import TenantHomePage
from marketplace.models import ModeratorProfile, Room, Tenant, Topic, User
from marketplace.roles import Role
from marketplace.services.moderator_profiles import get_or_create_profile, update_profile
from marketplace.services.rooms import create_room
from marketplace.services.topics import create_topic
from tests.factories import make_member


def visitor(tenant: Tenant, user: User | None = None) -> Client:
    client = Client(HTTP_HOST=tenant.hostname)
    if user is not None:
        client.force_login(user)
    return client


def topic(tenant: Tenant, name: str, actor: User) -> Topic:
    return create_topic(tenant, actor=actor, name=name)


def profile(user: User, tenant: Tenant, **fields: Any) -> ModeratorProfile:
    return update_profile(get_or_create_profile(user, tenant), actor=user, **fields)


def moderator(tenant: Tenant, handle: str, name: str, **fields: Any) -> tuple[User, ModeratorProfile]:
    """A moderator on the site's free plan, with a saved profile."""
    user = make_member(tenant, Role.MODERATOR, handle=handle, display_name=name)
    return user, profile(user, tenant, **fields)


def room(owner: User, tenant: Tenant, name: str, **fields: Any) -> Room:
    return create_room(owner, tenant, name=name, **fields)


def home_of(tenant: Tenant) -> TenantHomePage:
    return tenant.site.root_page.specific


def publish_body(page: Any, body: list) -> Any:
    page.body = body
    page.save_revision().publish()
    return page


def scoped_rows(tenant: Tenant, model: type, **filters: Any) -> list:
    with scope(tenant=tenant):
        return list(model.objects.filter(tenant=tenant, **filters))


def image_in(collection: Any, title: str, *rendition_specs: str) -> Any:
    """An image of the collection, with the renditions the page will ask for made beforehand.

    Wagtail leaves a new rendition's temporary file to the garbage collector, which warns (and the
    suite turns warnings into errors); made here, the warning is expected and the page reuses them.
    """
    image = get_image_model().objects.create(title=title, file=get_test_image_file(), collection=collection)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        if rendition_specs:
            image.get_renditions(*rendition_specs)
        gc.collect()
    return image
