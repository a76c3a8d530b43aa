"""Moderator profiles, topics and default room settings: services, API, dashboard page, isolation."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_scopes import scope
from djmoney.money import Money
from PIL import Image
from wagtail.models import ModelLogEntry

from marketplace.models import Membership, ModeratorProfile, Plan, Topic
from marketplace.profile_selectors import listed_profiles, public_profile
from marketplace.roles import Role
from marketplace.services import moderator_profiles as profiles
from marketplace.services import plans
from marketplace.services import topics as topic_services
from marketplace.services.rooms import create_room
from tests.factories import make_member
from tests.factories.money import fund

pytestmark = pytest.mark.django_db


def image_upload(name: str = "cover.png", image_format: str = "PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "teal").save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


@pytest.fixture
def host(tenant):
    return make_member(tenant, Role.MODERATOR, handle="host")


@pytest.fixture
def topics(tenant, other_tenant, admin_user):
    math = topic_services.create_topic(tenant, actor=admin_user, name="Mathematics", slug="math")
    physics = topic_services.create_topic(tenant, actor=admin_user, name="Physics")
    outsider = make_member(other_tenant, Role.ADMIN)
    topic_services.create_topic(other_tenant, actor=outsider, name="Chemistry", slug="chemistry")
    return math, physics


@pytest.fixture
def profile(tenant, host):
    return profiles.get_or_create_profile(host, tenant)


def reload(profile: ModeratorProfile) -> ModeratorProfile:
    with scope(tenant=profile.tenant):
        return ModeratorProfile.objects.prefetch_related("topics").get(pk=profile.pk)


def topic_slugs(profile: ModeratorProfile) -> list[str]:
    with scope(tenant=profile.tenant):
        return sorted(profile.topics.values_list("slug", flat=True))


# Services -------------------------------------------------------------------------------------


def test_only_moderators_have_a_profile(tenant, host, attendee):
    with pytest.raises(profiles.NotAModerator, match="Only moderators of Alpha Academy") as raised:
        profiles.get_or_create_profile(attendee, tenant)
    assert (raised.value.code, raised.value.status) == ("not_moderator", 403)
    first = profiles.get_or_create_profile(host, tenant)
    assert profiles.get_or_create_profile(host, tenant).pk == first.pk


def test_update_profile_saves_cleaned_values_and_audits(tenant, host, profile, topics):
    profiles.update_profile(
        profile,
        actor=host,
        headline="  Calculus tutor  ",
        bio='<p onclick="steal()">Hi <script>alert(1)</script><strong>there</strong></p>',
        topics=["physics", "math"],
        languages=["EN", "fr", "en"],
        location="Lyon",
        links=[
            {"label": "", "url": "https://example.com/me"},
            {"label": "Blog", "url": "http://blog.example"},
        ],
        visibility="unlisted",
    )
    saved = reload(profile)
    assert saved.headline == "Calculus tutor"
    assert saved.bio == "<p>Hi <strong>there</strong></p>"
    assert topic_slugs(saved) == ["math", "physics"]
    assert saved.languages == ["en", "fr"]
    assert saved.links == [
        {"label": "example.com", "url": "https://example.com/me"},
        {"label": "Blog", "url": "http://blog.example"},
    ]
    assert saved.visibility == "unlisted"
    entry = ModelLogEntry.objects.get(action="lyceum.moderator_profile.update", object_id=str(profile.pk))
    assert entry.user_id == host.pk
    assert entry.data["changed"] == [
        "bio",
        "headline",
        "languages",
        "links",
        "location",
        "topics",
        "visibility",
    ]


def test_saving_the_same_values_writes_no_audit_entry(host, profile):
    profiles.update_profile(profile, actor=host, headline="Same")
    profiles.update_profile(profile, actor=host, headline="Same")
    assert ModelLogEntry.objects.filter(action="lyceum.moderator_profile.update").count() == 1


@pytest.mark.parametrize(
    ("changes", "code", "field", "message"),
    [
        ({"headline": "x" * 161}, "invalid_profile", "headline", "at most 160 characters"),
        ({"topics": ["math", "nope"]}, "unknown_topic", "topics", 'Unknown topic on Alpha Academy: "nope".'),
        ({"topics": ["chemistry"]}, "unknown_topic", "topics", '"chemistry"'),
        ({"topics": "math"}, "invalid_profile", "topics", "list of strings"),
        (
            {"languages": ["english"]},
            "invalid_language",
            "languages",
            '"english" is not a two-letter ISO 639-1',
        ),
        ({"languages": ["xx"]}, "invalid_language", "languages", '"xx"'),
        ({"links": [{"url": "https://a.example"}] * 9}, "invalid_link", "links", "at most 8 links"),
        (
            {"links": [{"label": "x", "url": "javascript:alert(1)"}]},
            "invalid_link",
            "links",
            "Link 1: use a full",
        ),
        (
            {"links": [{"label": "x", "url": "ftp://files.example"}]},
            "invalid_link",
            "links",
            "http:// or https://",
        ),
        ({"links": ["https://a.example"]}, "invalid_link", "links", "Link 1"),
        ({"visibility": "secret"}, "invalid_profile", "visibility", "public or unlisted"),
        ({"room_defaults": {}}, "invalid_profile", None, "Not editable: room_defaults."),
    ],
)
def test_invalid_changes_are_refused_and_nothing_is_written(
    host, profile, topics, changes, code, field, message
):
    with pytest.raises(profiles.ProfileError) as raised:
        profiles.update_profile(profile, actor=host, location="Paris", **changes)
    error = raised.value
    assert (error.code, error.field, error.status) == (code, field, 400)
    assert message in error.message
    saved = reload(profile)
    assert (saved.location, saved.headline, saved.links, topic_slugs(saved)) == ("", "", [], [])
    assert not ModelLogEntry.objects.filter(action="lyceum.moderator_profile.update").exists()


def test_cover_upload_replace_and_removal(settings, tmp_path, host, profile):
    settings.MEDIA_ROOT = tmp_path
    profiles.set_cover(profile, image_upload(), actor=host)
    first = reload(profile).cover.name
    assert first.startswith(f"covers/{profile.tenant_id}/") and (tmp_path / first).exists()

    profiles.set_cover(profile, image_upload("new.jpg", "JPEG"), actor=host)
    second = reload(profile).cover.name
    assert second.endswith(".jpg") and (tmp_path / second).exists() and not (tmp_path / first).exists()

    profiles.remove_cover(reload(profile), actor=host)
    assert not reload(profile).cover and not (tmp_path / second).exists()
    actions = list(ModelLogEntry.objects.filter(object_id=str(profile.pk)).values_list("action", flat=True))
    assert actions.count("lyceum.moderator_profile.cover") == 2
    assert "lyceum.moderator_profile.cover_removed" in actions


@pytest.mark.parametrize(
    ("upload", "error", "message"),
    [
        (
            lambda: SimpleUploadedFile("cover.png", b"not an image"),
            profiles.InvalidCover,
            "JPEG, PNG or WebP",
        ),
        (lambda: image_upload("cover.gif", "GIF"), profiles.InvalidCover, "JPEG, PNG or WebP"),
        (
            lambda: SimpleUploadedFile("big.png", b"x" * 2048),
            profiles.CoverTooLarge,
            "too large: at most 1 KB",
        ),
    ],
)
def test_bad_covers_are_refused(settings, tmp_path, host, profile, upload, error, message):
    settings.MEDIA_ROOT = tmp_path
    settings.AVATAR_MAX_BYTES = 1024
    with pytest.raises(error, match=message) as raised:
        profiles.set_cover(profile, upload(), actor=host)
    assert raised.value.field == "cover"
    assert not reload(profile).cover and not list(tmp_path.iterdir())


def test_room_defaults_apply_to_a_new_room_within_the_plan(tenant, host, profile):
    profiles.update_room_defaults(
        profile,
        actor=host,
        defaults={
            "max_participants": 50,
            "max_duration_minutes": 120,
            "visibility": "unlisted",
            "approval_required": True,
            "mute_on_start": False,
            "record": True,
            "welcome_message": "  Welcome!  ",
        },
    )
    room = create_room(
        host, tenant, name="Office hours"
    )  # the free plan: 10 people, 45 minutes, no recording
    assert (room.max_participants, room.max_duration_minutes) == (10, 45)
    assert (room.visibility, room.approval_required, room.mute_on_start) == ("unlisted", True, False)
    assert (room.record, room.welcome_message) == (False, "Welcome!")


def test_explicit_room_fields_win_over_defaults(tenant, host, profile):
    profiles.update_room_defaults(
        profile,
        actor=host,
        defaults={"visibility": "private", "max_participants": 8, "lock_public_chat": True},
    )
    room = create_room(host, tenant, name="Open day", visibility="public", max_participants=4)
    assert (room.visibility, room.max_participants, room.lock_public_chat) == ("public", 4, True)


def test_a_larger_plan_keeps_larger_defaults(tenant, host, profile):
    with scope(tenant=tenant):
        pro = Plan.objects.create(
            tenant=tenant,
            name="Pro",
            slug="pro",
            price=Money("30", "USD"),
            max_rooms=3,
            max_attendees_per_room=50,
            max_session_minutes=120,
            allows_recording=True,
        )
    fund(tenant, host, "30")
    plans.choose_plan(host, pro, idempotency_key="pro")
    profiles.update_room_defaults(
        profile, actor=host, defaults={"max_participants": 80, "max_duration_minutes": 90, "record": True}
    )
    room = create_room(host, tenant, name="Lecture")
    assert (room.max_participants, room.max_duration_minutes, room.record) == (50, 90, True)


def test_a_guest_default_is_dropped_when_the_site_stops_allowing_guests(tenant, host, profile):
    profiles.update_room_defaults(profile, actor=host, defaults={"access": "guests"})
    tenant.guests_allowed = False
    tenant.save()
    assert create_room(host, tenant, name="Members only").access == "registered"


def test_rooms_of_moderators_without_a_profile_keep_the_usual_defaults(tenant, host):
    room = create_room(host, tenant, name="Plain")
    assert (room.max_participants, room.visibility, room.mute_on_start) == (10, "public", True)


@pytest.mark.parametrize(
    ("defaults", "field", "message"),
    [
        ({"name": "x", "price": 5, "record": True}, None, "Not a room default: name, price."),
        ({"max_participants": "ten"}, "max_participants", "a whole number of at least 1"),
        ({"max_duration_minutes": 2}, "max_duration_minutes", "at least 5"),
        ({"max_participants": True}, "max_participants", "whole number"),
        ({"record": "yes"}, "record", "true or false"),
        ({"guest_policy": "LET_EVERYONE_IN"}, "guest_policy", "choose one of ALWAYS_ACCEPT"),
        ({"visibility": "hidden"}, "visibility", "public, unlisted, private"),
        ({"welcome_message": "x" * 501}, "welcome_message", "at most 500 characters"),
    ],
)
def test_invalid_room_defaults_are_refused(host, profile, defaults, field, message):
    profiles.update_room_defaults(profile, actor=host, defaults={"mute_on_start": False})
    with pytest.raises(profiles.InvalidRoomDefaults, match=message) as raised:
        profiles.update_room_defaults(profile, actor=host, defaults=defaults)
    assert (raised.value.code, raised.value.field) == ("invalid_room_defaults", field)
    assert reload(profile).room_defaults == {"mute_on_start": False}


def test_guest_defaults_follow_the_site_policy(tenant, host, profile):
    tenant.guests_allowed = False
    tenant.save()
    with pytest.raises(profiles.InvalidRoomDefaults, match="Alpha Academy does not allow guests"):
        profiles.update_room_defaults(reload(profile), actor=host, defaults={"access": "guests"})


def test_topic_slugs_are_unique_per_site(tenant, other_tenant, admin_user):
    topic_services.create_topic(tenant, actor=admin_user, name="Cardiology")
    with pytest.raises(
        topic_services.TopicSlugTaken, match='already has a topic with the slug "cardiology"'
    ) as raised:
        topic_services.create_topic(tenant, actor=admin_user, name="Cardiology!")
    assert (raised.value.status, raised.value.field) == (409, "slug")
    outsider = make_member(other_tenant, Role.ADMIN)
    assert topic_services.create_topic(other_tenant, actor=outsider, name="Cardiology").slug == "cardiology"


def test_deleting_a_topic_takes_it_off_profiles(tenant, host, profile, topics, admin_user):
    math, _ = topics
    math_id = str(math.pk)
    profiles.update_profile(profile, actor=host, topics=["math", "physics"])
    topic_services.delete_topic(math, actor=admin_user)
    assert topic_slugs(reload(profile)) == ["physics"]
    assert ModelLogEntry.objects.filter(action="wagtail.delete", object_id=math_id).exists()


# Reads ----------------------------------------------------------------------------------------


def test_public_profile_and_listing(tenant, other_tenant, host, profile, topics, attendee):
    profiles.update_profile(profile, actor=host, topics=["math"])
    quiet = make_member(tenant, Role.MODERATOR, handle="quiet")
    profiles.update_profile(profiles.get_or_create_profile(quiet, tenant), actor=quiet, visibility="unlisted")
    make_member(tenant, Role.MODERATOR, handle="fresh")  # has not saved a profile yet
    elsewhere = make_member(other_tenant, Role.MODERATOR, handle="elsewhere")

    assert public_profile("HOST", tenant).pk == profile.pk
    assert public_profile("quiet", tenant).visibility == "unlisted"  # reachable by its link
    assert public_profile("fresh", tenant).pk is None  # the defaults until they save one
    assert public_profile(attendee.handle, tenant) is None
    assert public_profile(elsewhere.handle, tenant) is None
    assert public_profile("nobody", tenant) is None
    with scope(tenant=tenant):
        assert [p.user.handle for p in listed_profiles(tenant)] == ["host"]
        assert [p.user.handle for p in listed_profiles(tenant, topic="math")] == ["host"]
        assert list(listed_profiles(tenant, topic="physics")) == []

    with scope(tenant=tenant):
        Membership.objects.filter(user=host, role=Role.MODERATOR).delete()
    assert public_profile("host", tenant) is None  # no longer hosting here


# API ------------------------------------------------------------------------------------------


def test_own_profile_read_and_update(api_for, tenant, host, topics):
    client = api_for(tenant, host)
    body = client.get("/api/v1/moderator-profile/").json()
    assert (body["handle"], body["visibility"], body["profile_path"]) == ("host", "public", "/@host/")
    assert "room_defaults" not in body

    response = client.patch(
        "/api/v1/moderator-profile/",
        {"headline": "Tutor", "bio": "<p>Hi<img src=x onerror=alert(1)></p>", "topics": ["math"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["headline"], response.json()["bio"], response.json()["topics"]) == (
        "Tutor",
        "<p>Hi</p>",
        ["math"],
    )


def test_profile_errors_use_the_error_shape_and_change_nothing(api_for, tenant, host, topics):
    client = api_for(tenant, host)
    response = client.patch(
        "/api/v1/moderator-profile/", {"headline": "Changed", "topics": ["math", "chemistry"]}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unknown_topic"
    assert error["fields"] == {"topics": ['Unknown topic on Alpha Academy: "chemistry".']}
    assert client.get("/api/v1/moderator-profile/").json()["headline"] == ""


def test_non_moderators_get_a_clear_403(api_for, tenant, attendee):
    response = api_for(tenant, attendee).get("/api/v1/moderator-profile/")
    assert response.status_code == 403
    assert response.json()["error"]["message"].startswith(
        "Only moderators of this site have a public profile"
    )
    assert api_for(tenant).get("/api/v1/moderator-profile/").status_code == 401


def test_cover_through_the_api(api_for, tenant, host, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api_for(tenant, host)
    response = client.put("/api/v1/moderator-profile/cover/", {"cover": image_upload()}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["cover_url"].startswith(f"/media/covers/{tenant.pk}/")

    bad = client.put(
        "/api/v1/moderator-profile/cover/",
        {"cover": SimpleUploadedFile("x.png", b"plain text")},
        format="multipart",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_cover" and "cover" in bad.json()["error"]["fields"]

    assert client.delete("/api/v1/moderator-profile/cover/").status_code == 204
    assert client.get("/api/v1/moderator-profile/").json()["cover_url"] is None


def test_room_defaults_through_the_api(api_for, tenant, host):
    client = api_for(tenant, host)
    defaults = client.get("/api/v1/moderator-profile/room-defaults/").json()
    assert (defaults["max_participants"], defaults["mute_on_start"], defaults["guest_policy"]) == (
        10,
        True,
        "ASK_MODERATOR",
    )

    unknown = client.put(
        "/api/v1/moderator-profile/room-defaults/", {"fee_model": "monthly", "color": "red"}, format="json"
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == "invalid_room_defaults"
    assert unknown.json()["error"]["message"] == "Not a room default: color, fee_model."

    saved = client.put(
        "/api/v1/moderator-profile/room-defaults/",
        {"max_participants": 6, "lock_private_chat": True, "welcome_message": "Hi"},
        format="json",
    )
    assert saved.status_code == 200
    assert (saved.json()["max_participants"], saved.json()["lock_private_chat"]) == (6, True)

    room = client.post("/api/v1/rooms/", {"name": "Clinic"}, format="json").json()
    assert (room["max_participants"], room["lock_private_chat"], room["welcome_message"]) == (6, True, "Hi")


def test_public_profile_api(api_for, tenant, host, topics, attendee):
    profile = profiles.get_or_create_profile(host, tenant)
    profiles.update_profile(profile, actor=host, headline="Tutor", topics=["math"], languages=["fr"])
    profiles.update_room_defaults(profile, actor=host, defaults={"max_participants": 3})

    body = api_for(tenant).get("/api/v1/profiles/host/").json()
    assert (body["handle"], body["headline"], body["languages"]) == ("host", "Tutor", ["fr"])
    assert body["topics"] == [{"slug": "math", "name": "Mathematics"}]
    assert "room_defaults" not in body and "max_participants" not in body

    for handle in (attendee.handle, "nobody"):
        missing = api_for(tenant).get(f"/api/v1/profiles/{handle}/")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_public_profile_respects_public_content_visibility(api_for, tenant, host, attendee):
    tenant.public_content_visible = False
    tenant.save()
    hidden = api_for(tenant).get("/api/v1/profiles/host/")
    assert hidden.status_code == 401 and "Sign in" in hidden.json()["error"]["message"]
    assert api_for(tenant).get("/api/v1/topics/").status_code == 401
    assert api_for(tenant, attendee).get("/api/v1/profiles/host/").status_code == 200


def test_topics_api(api_for, tenant, host, admin_user, topics):
    listed = api_for(tenant).get("/api/v1/topics/").json()
    assert [t["slug"] for t in listed["results"]] == ["math", "physics"]
    assert api_for(tenant).get("/api/v1/topics/math/").json()["name"] == "Mathematics"

    admin = api_for(tenant, admin_user)
    created = admin.post("/api/v1/topics/", {"name": "Statistics", "sort_order": 3}, format="json")
    assert created.status_code == 201 and created.json()["slug"] == "statistics"
    clash = admin.post("/api/v1/topics/", {"name": "Maths", "slug": "math"}, format="json")
    assert clash.status_code == 409
    assert clash.json()["error"] == {
        "code": "topic_slug_taken",
        "message": 'Alpha Academy already has a topic with the slug "math".',
        "fields": {"slug": ['Alpha Academy already has a topic with the slug "math".']},
    }
    renamed = admin.patch("/api/v1/topics/statistics/", {"name": "Statistics & data"}, format="json")
    assert renamed.json()["name"] == "Statistics & data"
    assert admin.delete("/api/v1/topics/statistics/").status_code == 204

    refused = api_for(tenant, host).post("/api/v1/topics/", {"name": "Mine"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "Only this site's admins can change its topics."
    assert api_for(tenant).post("/api/v1/topics/", {"name": "Anon"}, format="json").status_code == 401


def test_isolation_topics(api_for, tenant, other_tenant, topics):
    outsider = make_member(other_tenant, Role.ADMIN)
    other = api_for(other_tenant, outsider)
    assert [t["slug"] for t in other.get("/api/v1/topics/").json()["results"]] == ["chemistry"]
    assert other.get("/api/v1/topics/math/").status_code == 404
    assert other.patch("/api/v1/topics/math/", {"name": "Taken over"}, format="json").status_code == 404
    assert other.delete("/api/v1/topics/math/").status_code == 404
    with scope(tenant=tenant):
        assert Topic.objects.get(slug="math").name == "Mathematics"


def test_isolation_profiles(api_for, tenant, other_tenant, host):
    profiles.update_profile(profiles.get_or_create_profile(host, tenant), actor=host, headline="Alpha only")
    elsewhere = make_member(other_tenant, Role.MODERATOR, handle="elsewhere")
    assert api_for(tenant).get("/api/v1/profiles/elsewhere/").status_code == 404
    assert api_for(other_tenant).get("/api/v1/profiles/host/").status_code == 404
    # The other site's moderator edits their own profile there, never this one.
    other = api_for(other_tenant, elsewhere)
    assert other.get("/api/v1/moderator-profile/").json()["headline"] == ""
    assert api_for(other_tenant, host).get("/api/v1/moderator-profile/").status_code == 403


# Dashboard ------------------------------------------------------------------------------------


def test_dashboard_page_for_moderators_only(tenant, host, attendee, topics):
    client = Client(HTTP_HOST=tenant.hostname)
    client.force_login(host)
    page = client.get("/dashboard/public-profile/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'href="/dashboard/public-profile/"' in html  # in the menu
    assert "Default room settings" in html and 'value="math"' in html
    assert 'href="/@host/"' in html and "js/pages/public-profile.js" in html

    client.force_login(attendee)
    refused = client.get("/dashboard/public-profile/")
    assert refused.status_code == 403 and "Only moderators of Alpha Academy" in refused.content.decode()
    assert 'href="/dashboard/public-profile/"' not in client.get("/dashboard/").content.decode()
