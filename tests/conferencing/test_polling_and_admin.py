"""Polling running meetings, the health check, and the back office's BBB server screen."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django_scopes import scope

from conferencing.models import Attendance, ServerSettings, SessionStatus
from conferencing.servers import endpoint_for
from conferencing.services.join import join_room
from conferencing.services.polling import poll_all
from marketplace.roles import Role
from tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def simulator(bbb, settings):
    settings.BBB_ENDPOINT = bbb.endpoint
    settings.BBB_SECRET = bbb.secret
    return bbb


def test_polling_tracks_presence_peak_and_the_end(simulator, tenant, host, make_room):
    room = make_room()
    session = join_room(room, user=host).session
    simulator.add_participants(session.meeting_id, fullName="Dial-in caller", userID="phone-1", count=1)
    assert poll_all() == {"polled": 1}
    with scope(tenant=tenant):
        names = set(Attendance.objects.filter(session=session).values_list("full_name", flat=True))
        session.refresh_from_db()
    assert "Dial-in caller" in names and session.participants_peak >= 1

    simulator.control("end", meetingID=session.meeting_id)
    simulator.advance(600)  # the simulator forgets ended meetings after a while, as BBB does
    assert poll_all() == {"ended": 1}
    with scope(tenant=tenant):
        session.refresh_from_db()
        assert session.status == SessionStatus.ENDED
        assert not Attendance.objects.filter(session=session, present_since__isnull=False).exists()


def test_poll_leaves_sessions_alone_while_the_server_is_down(simulator, tenant, host, make_room):
    session = join_room(make_room(), user=host).session
    simulator.fail(mode="drop")
    assert poll_all() == {"unreachable": 1}
    simulator.recover()
    with scope(tenant=tenant):
        session.refresh_from_db()
    assert session.status == SessionStatus.RUNNING


def test_health_check_command(simulator, settings, capsys):
    call_command("bbb_check")
    assert "OK" in capsys.readouterr().out
    settings.BBB_SECRET = "wrong-secret"
    with pytest.raises(Exception, match="not healthy"):
        call_command("bbb_check")


def signed_in_admin(tenant) -> Client:
    admin = make_member(tenant, Role.ADMIN)
    client = Client(HTTP_HOST=tenant.hostname)
    assert client.login(email=admin.email, password=PASSWORD)
    return client


def test_tenant_admin_sets_their_server_and_never_sees_the_secret_again(simulator, tenant, other_tenant):
    client = signed_in_admin(tenant)
    refused = client.post(
        "/cms/bbb-server/new/",
        {"endpoint": simulator.endpoint, "secret": "wrong", "algorithm": "sha256", "is_active": "on"},
    )
    assert refused.status_code == 200 and "did not accept our call" in refused.content.decode()
    with scope(tenant=tenant):
        assert not ServerSettings.objects.exists()

    saved = client.post(
        "/cms/bbb-server/new/",
        {
            "endpoint": simulator.endpoint,
            "secret": simulator.secret,
            "algorithm": "sha512",
            "is_active": "on",
        },
    )
    assert saved.status_code == 302
    with scope(tenant=tenant):
        server = ServerSettings.objects.get()
    assert endpoint_for(tenant).algorithm == "sha512"
    listing = client.get("/cms/bbb-server/").content.decode()
    edit = client.get(f"/cms/bbb-server/edit/{server.pk}/").content.decode()
    assert simulator.secret not in listing and simulator.secret not in edit
    assert server.masked_secret in listing

    # Another site's admin sees none of it.
    other = signed_in_admin(other_tenant)
    assert simulator.endpoint not in other.get("/cms/bbb-server/").content.decode()
    assert other.get(f"/cms/bbb-server/edit/{server.pk}/").status_code == 404
