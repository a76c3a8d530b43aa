"""Tenant admins keep their site's topics in the back office; nobody else's."""

from __future__ import annotations

import pytest
from django.test import Client
from django_scopes import scope, scopes_disabled
from wagtail.models import ModelLogEntry

from marketplace.models import Topic
from marketplace.roles import Role
from marketplace.services.topics import create_topic
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


def logged_in(tenant, user) -> Client:
    client = Client(HTTP_HOST=tenant.hostname)
    client.force_login(user)
    return client


def topic_form(**overrides) -> dict:
    return {
        "name": "Cardiology",
        "slug": "cardiology",
        "description": "Heart health",
        "sort_order": "1",
        **overrides,
    }


@pytest.fixture
def foreign_topic(other_tenant):
    return create_topic(other_tenant, actor=make_member(other_tenant, Role.ADMIN), name="Foreign affairs")


def test_tenant_admin_lists_and_creates_their_sites_topics(tenant, admin_user, foreign_topic):
    create_topic(tenant, actor=admin_user, name="Nutrition")
    client = logged_in(tenant, admin_user)
    listing = client.get("/cms/topics/").content.decode()
    assert "Nutrition" in listing and "Foreign affairs" not in listing

    response = client.post("/cms/topics/new/", topic_form())
    assert response.status_code == 302, response.content.decode()[-3000:]
    with scope(tenant=tenant):
        topic = Topic.objects.get(slug="cardiology")
    assert (topic.tenant_id, topic.name, topic.sort_order) == (tenant.pk, "Cardiology", 1)
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(topic.pk)).count() == 1
    assert "Cardiology" in client.get("/cms/topics/").content.decode()


def test_a_taken_slug_is_a_form_error(tenant, admin_user, foreign_topic):
    create_topic(tenant, actor=admin_user, name="Cardiology")
    response = logged_in(tenant, admin_user).post("/cms/topics/new/", topic_form(name="Heart"))
    assert response.status_code == 200
    assert "already has a topic with the slug" in response.content.decode()
    # Another site's slug is free here.
    again = logged_in(tenant, admin_user).post(
        "/cms/topics/new/", topic_form(name="Foreign", slug=foreign_topic.slug)
    )
    assert again.status_code == 302


def test_tenant_admin_edits_and_deletes_a_topic(tenant, admin_user):
    topic = create_topic(tenant, actor=admin_user, name="Nutrition")
    client = logged_in(tenant, admin_user)
    edited = client.post(
        f"/cms/topics/edit/{topic.pk}/", topic_form(name="Nutrition & diet", slug="nutrition")
    )
    assert edited.status_code == 302, edited.content.decode()[-3000:]
    with scope(tenant=tenant):
        assert Topic.objects.get(pk=topic.pk).name == "Nutrition & diet"
    entry = ModelLogEntry.objects.get(action="wagtail.edit", object_id=str(topic.pk))
    assert entry.data["changed"] == ["description", "name", "sort_order"]

    assert client.post(f"/cms/topics/delete/{topic.pk}/").status_code == 302
    with scope(tenant=tenant):
        assert not Topic.objects.filter(pk=topic.pk).exists()


def test_another_sites_admin_gets_none_of_them(tenant, other_tenant, admin_user):
    topic = create_topic(tenant, actor=admin_user, name="Nutrition")
    outsider = logged_in(other_tenant, make_member(other_tenant, Role.ADMIN))
    assert "Nutrition" not in outsider.get("/cms/topics/").content.decode()
    assert outsider.get(f"/cms/topics/edit/{topic.pk}/").status_code == 404
    assert outsider.post(f"/cms/topics/edit/{topic.pk}/", topic_form()).status_code == 404
    assert outsider.post(f"/cms/topics/delete/{topic.pk}/").status_code == 404
    # A topic the outsider creates lands on their own site.
    assert outsider.post("/cms/topics/new/", topic_form(slug="nutrition")).status_code == 302
    with scopes_disabled():
        assert sorted(Topic.objects.values_list("tenant__slug", "slug")) == [
            ("alpha", "nutrition"),
            ("beta", "nutrition"),
        ]
        assert Topic.objects.get(pk=topic.pk).name == "Nutrition"


def test_moderators_and_editors_cannot_manage_topics(tenant):
    for role in (Role.MODERATOR, Role.EDITOR):
        response = logged_in(tenant, make_member(tenant, role)).get("/cms/topics/")
        assert response.status_code in (302, 403)


def test_platform_owner_sees_every_sites_topics(tenant, admin_user, foreign_topic):
    create_topic(tenant, actor=admin_user, name="Nutrition")
    listing = logged_in(tenant, UserFactory(is_superuser=True, is_staff=True)).get("/cms/topics/")
    assert "Nutrition" in listing.content.decode() and "Foreign affairs" in listing.content.decode()
