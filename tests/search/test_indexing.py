"""The index follows changes through a job queued on commit, and `update_index` rebuilds it."""

from __future__ import annotations

import io

import dramatiq
import pytest
from django.core.management import call_command
from django.db import connection
from django_scopes import scope
from wagtail.search.models import IndexEntry

from config.background import load_task_modules
from marketplace.models import ModeratorProfile, Room
from marketplace.services.moderator_profiles import update_profile
from marketplace.services.rooms import update_room
from marketplace.services.topics import delete_topic, update_topic
from search.queries import explore
from tests.search import catalogue

pytestmark = pytest.mark.django_db


def titles(tenant, q: str) -> list[str]:
    return [item.title for item in explore(tenant, q=q).items]


def entries(obj) -> int:
    return IndexEntry.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name).count()


@pytest.fixture
def ada(tenant, index_jobs):
    catalogue.topic(tenant, "Astronomy")
    user = catalogue.host(tenant, "ada", "Ada Lovelace", headline="Telescopes", topics=("astronomy",))
    catalogue.room(user, tenant, "Star party")
    index_jobs()
    return user


def test_the_job_is_registered_where_workers_look():
    load_task_modules()
    broker = dramatiq.get_broker()
    assert broker.get_actor("update_search_index").queue_name == "default"
    assert broker.get_actor("update_search_index_for_user")


def test_a_room_change_reaches_the_index_through_the_job(tenant, ada, index_jobs):
    with scope(tenant=tenant):
        room = Room.objects.get(tenant=tenant, name="Star party")
    update_room(room, actor=ada, name="Comet watch")
    # Saved, but the index only changes once the change commits and the job runs.
    assert connection.run_on_commit
    assert titles(tenant, "comet") == []
    assert index_jobs() >= 1
    assert titles(tenant, "comet") == ["Comet watch"]
    assert titles(tenant, "party") == []


def test_a_profile_change_reaches_the_index_through_the_job(tenant, ada, index_jobs):
    with scope(tenant=tenant):
        profile = ModeratorProfile.objects.get(tenant=tenant, user=ada)
    update_profile(profile, actor=ada, headline="Planets and moons", languages=["fr"])
    assert titles(tenant, "moons") == []
    index_jobs()
    assert titles(tenant, "moons") == ["Ada Lovelace"]
    assert titles(tenant, "french") == ["Ada Lovelace"]
    assert titles(tenant, "telescopes") == []


def test_renaming_the_host_or_a_topic_refreshes_profiles_and_rooms(tenant, ada, index_jobs):
    ada.display_name = "Augusta King"
    ada.save()
    index_jobs()
    assert titles(tenant, "augusta") == ["Augusta King", "Star party"]  # the room shows its host
    with scope(tenant=tenant):
        astronomy = ada.moderator_profiles.get().topics.get()
    update_topic(astronomy, actor=ada, name="Stargazing")
    index_jobs()
    assert set(titles(tenant, "stargazing")) == {"Augusta King", "Star party"}
    assert titles(tenant, "astronomy") == []
    delete_topic(astronomy, actor=ada)
    index_jobs()
    assert titles(tenant, "stargazing") == []


def test_a_login_queues_no_index_update(tenant, ada, index_jobs):
    ada.save(update_fields=["last_login"])
    assert index_jobs() == 0


def test_deleted_rows_leave_the_index(tenant, ada, index_jobs):
    with scope(tenant=tenant):
        room = Room.objects.get(tenant=tenant, name="Star party")
        profile = ModeratorProfile.objects.get(tenant=tenant, user=ada)
        assert entries(room) == entries(profile) == 1
        room.delete()
        profile.delete()
    index_jobs()
    assert entries(room) == entries(profile) == 0


def test_a_rolled_back_change_queues_nothing(tenant, ada, index_jobs):
    from django.db import transaction

    with scope(tenant=tenant):
        room = Room.objects.get(tenant=tenant, name="Star party")
        with pytest.raises(RuntimeError), transaction.atomic():
            room.name = "Never saved"
            room.save()
            raise RuntimeError
    assert index_jobs() == 0


def test_update_index_rebuilds_everything(tenant, other_tenant, ada):
    other = catalogue.host(other_tenant, "bea", "Bea Beta", headline="Telescopes too")
    IndexEntry.objects.all().delete()  # the jobs for Bea never ran either
    assert titles(tenant, "telescopes") == []
    out = io.StringIO()
    call_command("update_index", stdout=out)
    assert "marketplace.ModeratorProfile" in out.getvalue() and "marketplace.Room" in out.getvalue()
    assert titles(tenant, "telescopes") == ["Ada Lovelace"]
    assert titles(tenant, "star") == ["Star party"]
    assert [item.host for item in explore(other_tenant, q="telescopes").items] == [other]
