"""Business errors of conferencing; the API answers each with its status and code."""

from config.errors import DomainError


class ConferencingError(DomainError):
    code = "conferencing_error"


class JoinRefused(ConferencingError):
    code = "join_refused"
    status = 403


class RoomFull(ConferencingError):
    code = "room_full"
    status = 409


class ServerUnavailable(ConferencingError):
    """The BBB server did not answer: nothing was created and nobody was charged."""

    code = "bbb_unavailable"
    status = 503


class NotConfigured(ConferencingError):
    code = "bbb_not_configured"
    status = 503


class SiteSuspended(ConferencingError):
    code = "site_suspended"
    status = 403


class NotAllowed(ConferencingError):
    code = "not_allowed"
    status = 403


class RecordingGone(ConferencingError):
    code = "recording_gone"
    status = 404
