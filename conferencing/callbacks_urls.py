"""Callback URLs we hand BBB at create, and the proofs they carry.

- meeting ended: BBB calls it unsigned, so its URL carries our own signed token naming the session;
- recording ready: BBB posts a JWT (HS256) signed with the endpoint's secret;
- analytics: BBB posts JSON with a bearer JWT signed with the endpoint's secret.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from conferencing.models import Session

ENDED_SALT = "lyceum.bbb.meeting-ended"


def ended_token(session: Session) -> str:
    return signing.dumps(str(session.public_id), salt=ENDED_SALT, compress=True)


def session_id_from_ended_token(token: str) -> str | None:
    try:
        return str(signing.loads(token, salt=ENDED_SALT))
    except signing.BadSignature:
        return None


def callback_urls(session: Session) -> dict[str, str]:
    root = session.tenant.root_url
    return {
        "ended": root + reverse("bbb-meeting-ended", kwargs={"token": ended_token(session)}),
        "recording_ready": root + reverse("bbb-recording-ready"),
        "analytics": root + reverse("bbb-analytics"),
    }
