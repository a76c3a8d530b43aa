"""Sessions with their attendance, read-only."""

from __future__ import annotations

import pytest

from tests.backoffice.conftest import attend, make_session, sign_in

pytestmark = pytest.mark.django_db


def test_a_session_lists_who_attended(tenant, admin_user, make_room, amy):
    session = make_session(make_room(name="Algebra"))
    attend(session, "Amy Attendee", user=amy, seconds=754)
    attend(session, "Gary Guest", seconds=60)
    client = sign_in(tenant, admin_user)
    assert "Algebra" in client.get("/cms/sessions/?status=ended").content.decode()
    detail = client.get(f"/cms/sessions/inspect/{session.pk}/").content.decode()
    assert "Attendance" in detail and "Amy Attendee" in detail and "Gary Guest" in detail
    assert "12 min 34 s" in detail and "guest" in detail
    assert client.get(f"/cms/sessions/edit/{session.pk}/").status_code == 302
