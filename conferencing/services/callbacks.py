"""What BBB's callbacks change. Each is idempotent: BBB (or a relay) may call more than once."""

from __future__ import annotations

import logging
import warnings

import jwt
from django.utils import timezone
from django_scopes import scope
from jwt.warnings import InsecureKeyLengthWarning

from conferencing.callbacks_urls import session_id_from_ended_token
from conferencing.models import Session
from conferencing.servers import endpoint_by_url
from conferencing.services.attendance import apply_analytics
from conferencing.services.meetings import end_session
from marketplace.models import Tenant

logger = logging.getLogger(__name__)
JWT_ALGORITHMS = ["HS256", "HS384", "HS512"]


class CallbackRejected(Exception):
    """The proof did not verify: answer 401 and change nothing."""


def meeting_ended(tenant: Tenant, token: str) -> Session:
    session_id = session_id_from_ended_token(token)
    if session_id is None:
        raise CallbackRejected("bad token")
    with scope(tenant=tenant):
        session = Session.objects.filter(tenant=tenant, public_id=session_id).select_related("room").first()
    if session is None:
        raise CallbackRejected("unknown session")
    session = end_session(session, reason="meeting-ended callback")
    if session.recorded:
        from conferencing.tasks import sync_room_recordings

        sync_room_recordings.send(session.room_id)
    return session


def _secret_for(session: Session) -> str:
    endpoint = endpoint_by_url(session.tenant, session.endpoint)
    if endpoint is None:
        raise CallbackRejected("the meeting's server is no longer configured")
    return endpoint.secret


def _decode(token: str, session: Session) -> dict:
    secret = _secret_for(session)
    try:
        with warnings.catch_warnings():
            # BBB signs with its shared secret, often shorter than RFC 7518 recommends: not ours to choose.
            warnings.simplefilter("ignore", InsecureKeyLengthWarning)
            return jwt.decode(token, secret, algorithms=JWT_ALGORITHMS)
    except jwt.PyJWTError as error:
        raise CallbackRejected(str(error)) from None


def recording_ready(tenant: Tenant, signed_parameters: str) -> Session:
    """BBB says a recording is processed: verify its JWT, then sync the room's recordings."""
    try:
        unverified = jwt.decode(signed_parameters, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise CallbackRejected("not a JWT") from None
    meeting_id = str(unverified.get("meeting_id") or "")
    with scope(tenant=tenant):
        session = (
            Session.objects.filter(tenant=tenant, meeting_id=meeting_id)
            .select_related("room", "tenant")
            .first()
        )
    if session is None:
        raise CallbackRejected("unknown meeting")
    claims = _decode(signed_parameters, session)
    if claims.get("meeting_id") != meeting_id:
        raise CallbackRejected("meeting mismatch")
    from conferencing.services.recordings import sync_room

    sync_room(session.room)
    return session


def analytics(tenant: Tenant, authorization: str, payload: dict) -> Session:
    """BBB's post-meeting analytics (bearer JWT): settle the attendance of that run."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise CallbackRejected("no bearer token")
    internal_id = str(payload.get("internal_meeting_id") or "")
    with scope(tenant=tenant):
        session = Session.objects.filter(tenant=tenant, internal_meeting_id=internal_id).first()
    if session is None:
        raise CallbackRejected("unknown meeting run")
    claims = _decode(token, session)
    if "exp" not in claims:
        raise CallbackRejected("token without expiry")
    data = payload.get("data") or {}
    covered = apply_analytics(session, data)
    if session.ended_at is None:
        end_session(session, reason="analytics callback", now=timezone.now())
    logger.info("Analytics for session %s: %s attendees.", session.public_id, covered)
    return session
