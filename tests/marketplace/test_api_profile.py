"""The `me` endpoint: profile reads and writes, handles, avatars."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from marketplace.handles import HANDLE_PATTERN, RESERVED_HANDLES, handle_from_text, validate_handle
from marketplace.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def png_bytes(size: tuple[int, int] = (64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "purple").save(buffer, format="PNG")
    return buffer.getvalue()


def test_read_profile(api_for, tenant, attendee):
    body = api_for(tenant, attendee).get("/api/v1/me/").json()
    assert body["email"] == attendee.email
    assert body["handle"] == attendee.handle
    assert body["profile_path"] == f"/@{attendee.handle}/"


def test_update_profile(api_for, tenant, attendee):
    response = api_for(tenant, attendee).patch(
        "/api/v1/me/",
        {"display_name": "New Name", "handle": "@New-Handle", "time_zone": "Europe/Paris", "language": "fr"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    attendee.refresh_from_db()
    assert (attendee.display_name, attendee.handle, attendee.time_zone, attendee.language) == (
        "New Name",
        "new-handle",
        "Europe/Paris",
        "fr",
    )


def test_email_is_read_only_through_the_profile(api_for, tenant, attendee):
    api_for(tenant, attendee).patch("/api/v1/me/", {"email": "evil@example.com"}, format="json")
    attendee.refresh_from_db()
    assert attendee.email == "attendee@example.com"


def test_taken_handle_is_a_409_and_changes_nothing(api_for, tenant, attendee):
    UserFactory(handle="popular")
    response = api_for(tenant, attendee).patch(
        "/api/v1/me/", {"handle": "POPULAR", "display_name": "Changed"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "handle_taken"
    assert response.json()["error"]["fields"] == {"handle": ["This handle is already taken."]}
    attendee.refresh_from_db()
    assert attendee.handle == "attendee"
    assert attendee.display_name != "Changed"


@pytest.mark.parametrize(
    "handle", ["ab", "x" * 31, "has space", "-dash", "dash-", "a--b", "settings", "9to5"]
)
def test_invalid_handles_are_refused(api_for, tenant, attendee, handle):
    response = api_for(tenant, attendee).patch("/api/v1/me/", {"handle": handle}, format="json")
    assert response.status_code == 400
    assert "handle" in response.json()["error"]["fields"]
    attendee.refresh_from_db()
    assert attendee.handle == "attendee"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_derived_handles_are_always_valid(text):
    handle = handle_from_text(text)
    validate_handle(handle)
    assert HANDLE_PATTERN.match(handle)
    assert handle not in RESERVED_HANDLES


def test_users_created_without_handle_get_a_unique_one(db):
    first = User.objects.create_user(email="jo@example.com", password="x")
    second = User.objects.create_user(email="jo@example.org", password="x")
    assert first.handle == "member-jo"
    assert second.handle.startswith("member-jo-")
    validate_handle(second.handle)


def test_avatar_upload_and_removal(api_for, tenant, attendee, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api_for(tenant, attendee)
    upload = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    response = client.put("/api/v1/me/avatar/", {"avatar": upload}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["avatar_url"].startswith("/media/avatars/attendee")
    attendee.refresh_from_db()
    assert attendee.avatar

    assert client.delete("/api/v1/me/avatar/").status_code == 204
    attendee.refresh_from_db()
    assert not attendee.avatar


def test_oversized_avatar_is_refused(api_for, tenant, attendee, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.AVATAR_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.png", png_bytes((400, 400)) + b"\0" * 2048, content_type="image/png")
    response = api_for(tenant, attendee).put("/api/v1/me/avatar/", {"avatar": upload}, format="multipart")
    assert response.status_code == 400
    assert "too large" in response.json()["error"]["fields"]["avatar"][0]
    attendee.refresh_from_db()
    assert not attendee.avatar


def test_non_image_avatar_is_refused(api_for, tenant, attendee, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
    response = api_for(tenant, attendee).put("/api/v1/me/avatar/", {"avatar": upload}, format="multipart")
    assert response.status_code == 400
    assert "avatar" in response.json()["error"]["fields"]
