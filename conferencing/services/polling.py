"""Polling running meetings with getMeetingInfo: presence, peak, and meetings that ended unseen."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from conferencing.bbb.errors import BBBError, BBBUnavailable
from conferencing.models import Session, SessionStatus
from conferencing.servers import client_for, endpoint_by_url
from conferencing.services.attendance import sync_presence
from conferencing.services.meetings import end_session

logger = logging.getLogger(__name__)


def poll(session: Session, now=None) -> str:
    now = now or timezone.now()
    endpoint = endpoint_by_url(session.tenant, session.endpoint)
    if endpoint is None:
        end_session(session, reason="its server is no longer configured", now=now)
        return "ended"
    try:
        meeting = client_for(endpoint).get_meeting_info(session.meeting_id)
    except BBBUnavailable:
        return "unreachable"  # try again next minute; nothing is concluded from silence
    except BBBError as error:
        if error.message_key == "notFound":
            end_session(session, reason="gone from the server", now=now)
            return "ended"
        raise
    if meeting.create_time != session.create_time:
        end_session(session, reason="a newer run replaced it", now=now)
        return "ended"
    present = {a.user_id for a in meeting.attendees}
    names = {a.user_id: (a.full_name, a.role) for a in meeting.attendees}
    sync_presence(session, present, names, now)
    with scope(tenant=session.tenant):
        Session.objects.filter(pk=session.pk).update(last_polled_at=now)
    return "polled"


def poll_all(now=None) -> dict[str, int]:
    with scopes_disabled():
        running = list(Session.objects.filter(status=SessionStatus.RUNNING).select_related("tenant", "room"))
    outcomes: dict[str, int] = {}
    for session in running:
        outcome = poll(session, now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
